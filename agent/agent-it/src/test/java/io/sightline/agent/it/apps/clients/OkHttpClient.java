package io.sightline.agent.it.apps.clients;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Request;
import okhttp3.Response;

/** OkHttp 3 or 4 (only API both have): Call.execute and Call.enqueue. */
public final class OkHttpClient implements Client {
    private final okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder()
            .connectTimeout(2, TimeUnit.SECONDS).readTimeout(3, TimeUnit.SECONDS).build();

    @Override
    public int get(String url) throws Exception {
        try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
            return r.code();
        }
    }

    @Override
    public int getAsync(String url) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        client.newCall(new Request.Builder().url(url).build()).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                status.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call call, Response response) {
                response.close();
                status.complete(response.code());
            }
        });
        try {
            return status.get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
