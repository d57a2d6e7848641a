package io.sightline.agent.it;

import java.util.List;

/**
 * Apache HttpClient 5 async client (CloseableHttpAsyncClient 5.5): the shared scenarios (get waits
 * on the future, the async scenario on a FutureCallback) and those of {@link NativeAsyncClientScenarios}.
 */
abstract class ApacheHttpClient5AsyncScenarios extends NativeAsyncClientScenarios {
    @Override
    String client() {
        return "ApacheHttpClient5Async";
    }

    @Override
    List<String> libraries() {
        return List.of("httpclient5-", "httpcore5-", "slf4j-api");
    }

    @Override
    String library() {
        return "ApacheHttpClient5";
    }

    @Override
    String refusedException() {
        return "org.apache.hc.client5.http.HttpHostConnectException";
    }

    @Override
    String timeoutException() {
        return "java.net.SocketTimeoutException";
    }

    @Override
    String callbackRowApi() {
        return "Async ComplexFuture";
    }
}
