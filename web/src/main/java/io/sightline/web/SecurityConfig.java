package io.sightline.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Login for the UI and the API (CONTRACT.md "Authentication"). One user, {@code admin}.
 * <ul>
 * <li>/api/** takes HTTP Basic or the UI's session; without either it answers 401 JSON. The
 *     Basic challenge header is left out for the UI's own requests so the browser shows no pop-up.
 *     Basic is throttled like the form ({@link BasicLogin}, {@link LoginThrottle}).</li>
 * <li>Pages send a logged-out browser to /login; the SPA logs in with a form POST.</li>
 * <li>CSRF: token in a cookie the SPA reads (XSRF-TOKEN) and echoes in X-XSRF-TOKEN.</li>
 * <li>/actuator/health is public; nothing else is.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfig {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private static final RequestMatcher API = new AntPathRequestMatcher("/api/**");

    @Bean
    PasswordEncoder sightlinePasswordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService sightlineUsers(Environment env, PasswordEncoder encoder) {
        if (!WebRole.enabled(env)) {
            return new InMemoryUserDetailsManager(); // nobody: this process serves health only
        }
        String password = AdminPassword.resolve(env);
        return new InMemoryUserDetailsManager(User.withUsername("admin")
                .password(encoder.encode(password)).roles("ADMIN").build());
    }

    @Bean
    @Conditional(WebRole.class)
    SecurityFilterChain sightlineWebChain(HttpSecurity http, LoginThrottle throttle, UserDetailsService users,
                                          PasswordEncoder encoder) throws Exception {
        AuthenticationEntryPoint api = (request, response, e) -> {
            if (!JsonErrors.fromScript(request)) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"Sightline\", charset=\"UTF-8\"");
            }
            JsonErrors.write(response, HttpStatus.UNAUTHORIZED.value(), "login required");
        };
        AuthenticationEntryPoint page = new LoginUrlAuthenticationEntryPoint("/login");

        HttpSessionRequestCache requestCache = new HttpSessionRequestCache();
        requestCache.setRequestMatcher(new NegatedRequestMatcher(API)); // only pages come back after login

        SavedRequestAwareAuthenticationSuccessHandler redirectBack = new SavedRequestAwareAuthenticationSuccessHandler();
        redirectBack.setRequestCache(requestCache);

        DaoAuthenticationProvider passwordCheck = new DaoAuthenticationProvider(users);
        passwordCheck.setPasswordEncoder(encoder);
        BasicLogin basic = new BasicLogin(new VerifiedCredentials(new ProviderManager(passwordCheck)), api, throttle);

        http
            .authorizeHttpRequests(a -> a
                // our own controller forwards to index.html only after the original path was authorised
                .dispatcherTypeMatchers(DispatcherType.FORWARD).permitAll()
                .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                .requestMatchers("/login", "/error", "/favicon.svg", "/assets/**").permitAll()
                .anyRequest().authenticated())
            // HTTP Basic through our own filter: throttled, and cheap for a script's repeated calls
            .httpBasic(AbstractHttpConfigurer::disable)
            .addFilterAt(basic, BasicAuthenticationFilter.class)
            .formLogin(f -> f
                .loginPage("/login")
                .loginProcessingUrl("/login")
                .successHandler((request, response, auth) -> {
                    throttle.succeeded(request);
                    if (JsonErrors.fromScript(request)) {
                        JsonErrors.write(response, 200, Map.of("username", auth.getName()));
                    } else {
                        redirectBack.onAuthenticationSuccess(request, response, auth);
                    }
                })
                .failureHandler((request, response, e) -> {
                    throttle.failed(request);
                    if (JsonErrors.fromScript(request)) {
                        JsonErrors.write(response, 401, "wrong user name or password");
                    } else {
                        response.sendRedirect(request.getContextPath() + "/login?error");
                    }
                }))
            .logout(l -> l
                .logoutUrl("/logout")
                .invalidateHttpSession(true)
                .clearAuthentication(true)
                .deleteCookies("JSESSIONID")
                .logoutSuccessHandler((request, response, auth) -> {
                    if (JsonErrors.fromScript(request)) {
                        JsonErrors.write(response, 200, Map.of("loggedOut", true));
                    } else {
                        response.sendRedirect(request.getContextPath() + "/login?logout");
                    }
                }))
            .exceptionHandling(e -> e
                .defaultAuthenticationEntryPointFor(api, API)
                .defaultAuthenticationEntryPointFor(page, AnyRequest.INSTANCE)
                .accessDeniedHandler((request, response, denied) ->
                        JsonErrors.write(response, 403, "forbidden (missing or stale CSRF token?)")))
            .requestCache(c -> c.requestCache(requestCache))
            .csrf(c -> c
                .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                // plain token: the SPA sends back exactly the cookie value
                .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
            .addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class)
            .addFilterBefore(throttle.filter(), org.springframework.security.web.authentication
                    .UsernamePasswordAuthenticationFilter.class)
            .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
            .headers(h -> h
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(f -> f.deny())
                .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
        return http.build();
    }

    @Bean
    @Conditional(WebRole.class)
    LoginThrottle sightlineLoginThrottle() {
        return new LoginThrottle();
    }

    /** Without the web role the HTTP port serves only the health check. */
    @Bean
    @Conditional(WebRole.Off.class)
    SecurityFilterChain sightlineHealthOnlyChain(HttpSecurity http) throws Exception {
        http
            .authorizeHttpRequests(a -> a
                .requestMatchers("/actuator/health", "/actuator/health/**", "/error").permitAll()
                .anyRequest().denyAll())
            .httpBasic(AbstractHttpConfigurer::disable)
            .formLogin(AbstractHttpConfigurer::disable)
            .csrf(AbstractHttpConfigurer::disable)
            .sessionManagement(s -> s.sessionCreationPolicy(
                    org.springframework.security.config.http.SessionCreationPolicy.STATELESS))
            .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) ->
                    JsonErrors.write(response, 404, "not found: this server has no web role")));
        return http.build();
    }

    /** Makes the deferred CSRF token load on every request so the cookie is always there for the SPA. */
    static final class CsrfCookieFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                        FilterChain chain) throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }

    private enum AnyRequest implements RequestMatcher {
        INSTANCE;

        @Override
        public boolean matches(HttpServletRequest request) {
            return true;
        }
    }
}
