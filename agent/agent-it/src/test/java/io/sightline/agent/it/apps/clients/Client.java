package io.sightline.agent.it.apps.clients;

/**
 * One HTTP client library as an application uses it: connect timeout 2-3 s, read timeout 3 s,
 * redirects followed. Implementations are loaded by name, so a child JVM needs only its own
 * library on the class path.
 */
public interface Client {
    /** GET {@code url}; the status, or an exception (refused, timed out ...). */
    int get(String url) throws Exception;

    /** The same through the library's asynchronous API (or a CompletableFuture task when it has none). */
    int getAsync(String url) throws Exception;

    static Client named(String name) throws ReflectiveOperationException {
        return (Client) Class.forName(Client.class.getPackageName() + "." + name + "Client")
                .getDeclaredConstructor().newInstance();
    }
}
