package io.atlasj.trainer.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live runner's endpoints, served by a real HTTP server over a real live journal: on 127.0.0.1 without a token they
 * answer requests naming this machine and refuse another Host (DNS rebinding); bound to every address they refuse
 * to start without a token, and with one answer only requests that carry it (header, or query then cookie).
 */
class LiveHttpAccessTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onLoopbackWithoutATokenOnlyRequestsNamingThisMachineAreAnswered() throws Exception {
        try (LiveJournal journal = LiveJournal.open(dir.resolve("live"));
             LiveHttp server = new LiveHttp(HttpAccess.loopback("live runner"), 0, "m", journal,
                     () -> Map.of("state", "running"))) {
            HttpResponse<String> ok = get(server.port(), "/status");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"state\":\"running\"");
            assertThat(get(server.port(), "/predictions?limit=5").statusCode()).isEqualTo(200);
            // a page elsewhere whose name was made to point at 127.0.0.1 sends its own Host
            var rebound = new java.net.Socket("127.0.0.1", server.port());
            try (rebound) {
                rebound.getOutputStream().write(("GET /status HTTP/1.1\r\nHost: evil.example:" + server.port()
                        + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(rebound.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 403").contains("is not this machine's live runner");
            }
        }
    }

    @Test
    void boundToEveryAddressItNeedsATokenAndAnswersOnlyRequestsCarryingIt() throws Exception {
        assertThatThrownBy(() -> HttpAccess.of("live runner", "0.0.0.0", null, "--http-token or ATLAS_LIVE_TOKEN"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the live runner binds to 0.0.0.0, which other machines can reach")
                .hasMessageContaining("--http-token or ATLAS_LIVE_TOKEN");
        assertThatThrownBy(() -> HttpAccess.of("live runner", "0.0.0.0", "short", "--http-token"))
                .hasMessageContaining("the live runner token is 5 characters: give at least 16");
        String token = "0123456789abcdef0123";
        HttpAccess access = HttpAccess.of("live runner", "0.0.0.0", token, "--http-token");
        try (LiveJournal journal = LiveJournal.open(dir.resolve("live"));
             LiveHttp server = new LiveHttp(access, 0, "m", journal, () -> Map.of("state", "running"))) {
            int port = server.port();
            for (String path : new String[] {"/status", "/predictions", "/events"}) {
                HttpResponse<String> none = get(port, path);
                assertThat(none.statusCode()).as(path).isEqualTo(401);
                assertThat(none.body()).contains("this live runner needs its token");
            }
            assertThat(get(port, "/status", "Authorization", "Bearer wrong-token-0123456789").statusCode())
                    .isEqualTo(401);
            assertThat(get(port, "/status", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            HttpResponse<String> once = get(port, "/status?token=" + token);
            assertThat(once.statusCode()).isEqualTo(200);
            String cookie = once.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
            assertThat(get(port, "/predictions", "Cookie", cookie.substring(0, cookie.indexOf(';'))).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void overTlsTheEndpointsSpeakHttpsOnlyWithTheNodesCertificateAndASecureCookie() throws Exception {
        io.atlasj.testing.Tls.makeCerts(dir.resolve("certs"), "127.0.0.1");
        io.atlasj.testing.Tls.makeCerts(dir.resolve("other"), "127.0.0.1");
        Path node = dir.resolve("certs/127.0.0.1");
        String token = "0123456789abcdef0123";
        HttpAccess access = HttpAccess.of("live runner", "0.0.0.0", token, "--http-token").withTls(node, "--http-tls");
        assertThat(access.scheme()).isEqualTo("https");
        try (LiveJournal journal = LiveJournal.open(dir.resolve("live"));
             LiveHttp server = new LiveHttp(access, 0, "m", journal, () -> Map.of("state", "running"))) {
            int port = server.port();
            HttpClient https = io.atlasj.testing.Tls.trusting(node);
            URI status = URI.create("https://127.0.0.1:" + port + "/status?token=" + token);
            HttpResponse<String> ok = https.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"state\":\"running\"");
            assertThat(ok.headers().firstValue("Set-Cookie").orElseThrow()).contains("Secure").contains("HttpOnly");
            HttpResponse<String> none = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                    + "/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            // plain HTTP gets no answer: the token is never read off the wire in clear text
            assertThatThrownBy(() -> get(port, "/status", "Authorization", "Bearer " + token))
                    .isInstanceOf(java.io.IOException.class);
            // a client that does not trust the cluster's CA does not get through the handshake
            assertThatThrownBy(() -> io.atlasj.testing.Tls.trusting(dir.resolve("other/127.0.0.1")).send(HttpRequest.newBuilder(status)
                    .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
        assertThatThrownBy(() -> HttpAccess.loopback("live runner").withTls(dir.resolve("nowhere"), "--http-tls"))
                .hasMessageContaining("the live runner's TLS folder").hasMessageContaining("lacks node.p12")
                .hasMessageContaining("make-certs.sh").hasMessageContaining("give --http-tls DIR/HOST");
        java.nio.file.Files.writeString(node.resolve("password"), "wrong");
        assertThatThrownBy(() -> HttpAccess.loopback("live runner").withTls(node, "--http-tls"))
                .hasMessageContaining("cannot be opened with the password in");
    }
}
