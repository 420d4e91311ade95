package io.atlasj.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Keys made by {@code deploy/tls/make-certs.sh}, as a user makes them, and an HTTPS client that trusts them. */
public final class Tls {
    private Tls() {
    }

    /** Runs {@code deploy/tls/make-certs.sh DIR NODE...} (from a module's folder, as Maven runs tests). */
    public static void makeCerts(Path dir, String... nodes) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of("../deploy/tls/make-certs.sh").toString(),
                dir.toString()));
        cmd.addAll(List.of(nodes));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** A client trusting the CA of a make-certs.sh node folder ({@code truststore.p12} with its {@code password}). */
    public static HttpClient trusting(Path node) throws Exception {
        char[] pw = Files.readString(node.resolve("password")).trim().toCharArray();
        KeyStore ts = KeyStore.getInstance(node.resolve("truststore.p12").toFile(), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
    }
}
