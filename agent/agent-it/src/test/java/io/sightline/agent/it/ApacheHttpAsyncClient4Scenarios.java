package io.sightline.agent.it;

import java.util.List;

/**
 * Apache HttpAsyncClient 4.1 (CloseableHttpAsyncClient of HttpAsyncClients.custom(), 4.1.5 with
 * HttpClient 4.5 and HttpCore 4.4): the shared scenarios (get waits on the future, the async
 * scenario on a FutureCallback) and those of {@link NativeAsyncClientScenarios}.
 */
abstract class ApacheHttpAsyncClient4Scenarios extends NativeAsyncClientScenarios {
    @Override
    String client() {
        return "ApacheHttpAsyncClient4";
    }

    @Override
    List<String> libraries() {
        return List.of("httpasyncclient-", "httpcore-nio-", "httpclient-4", "httpcore-4", "commons-logging", "commons-codec");
    }

    @Override
    String library() {
        return "ApacheHttpAsyncClient4";
    }

    @Override
    String refusedException() {
        return "java.net.ConnectException";
    }

    @Override
    String timeoutException() {
        return "java.net.SocketTimeoutException";
    }

    @Override
    String callbackRowApi() {
        return "Async BasicFuture";
    }
}
