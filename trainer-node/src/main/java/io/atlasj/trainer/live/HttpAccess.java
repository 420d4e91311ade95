package io.atlasj.trainer.live;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may read one of Atlas's HTTP servers (the dashboard, a live runner's endpoints): the one rule both follow.
 * Bound to a loopback address without a token, a request must name this machine in its {@code Host} header (a web
 * page elsewhere cannot read it through DNS rebinding). Bound to any other address a token is required: given as
 * {@code Authorization: Bearer TOKEN}, or once as {@code ?token=TOKEN}, which sets an HttpOnly cookie for a browser.
 * Tokens are compared in constant time.
 *
 * <p>With {@link #withTls} the server speaks HTTPS only (TLS 1.2 or 1.3, the JDK's defaults), with the key and
 * certificate of a folder made by {@code deploy/tls/make-certs.sh} ({@code node.p12} and its {@code password}), so a
 * token crossing a network is not sent in clear text; the token's cookie is then marked {@code Secure}.
 */
public final class HttpAccess {
    private final String what;
    private final InetAddress address;
    private final String bind;
    private final String token;
    private final Set<String> localNames;
    private final javax.net.ssl.SSLContext tls;

    private HttpAccess(String what, InetAddress address, String bind, String token, javax.net.ssl.SSLContext tls) {
        this.what = what;
        this.address = address;
        this.bind = bind;
        this.token = token;
        this.tls = tls;
        this.localNames = new HashSet<>(List.of("localhost", "127.0.0.1", "[::1]", bind));
    }

    /**
     * The same access over HTTPS, with the key in {@code dir/node.p12} opened with the password in
     * {@code dir/password} (a folder of {@code deploy/tls/make-certs.sh}, as {@code atlas cluster start --tls} takes).
     *
     * @param option the option that named {@code dir}, for the hint ({@code --tls}, {@code --http-tls})
     * @throws IllegalArgumentException naming the file that is missing or cannot be opened, and how to make one
     */
    public HttpAccess withTls(java.nio.file.Path dir, String option) {
        java.nio.file.Path store = dir.resolve("node.p12");
        java.nio.file.Path pw = dir.resolve("password");
        String hint = " (make one with deploy/tls/make-certs.sh DIR HOST, and give " + option + " DIR/HOST)";
        if (!java.nio.file.Files.isRegularFile(store) || !java.nio.file.Files.isRegularFile(pw)) {
            throw new IllegalArgumentException("the " + what + "'s TLS folder " + dir + " lacks "
                    + (java.nio.file.Files.isRegularFile(store) ? "its password file" : "node.p12") + hint);
        }
        try {
            char[] password = java.nio.file.Files.readString(pw).trim().toCharArray();
            java.security.KeyStore ks = java.security.KeyStore.getInstance(store.toFile(), password);
            boolean key = false;
            for (String alias : java.util.Collections.list(ks.aliases())) {
                key |= ks.isKeyEntry(alias);
            }
            if (!key) {
                throw new IllegalArgumentException("the " + what + "'s TLS key store " + store + " holds no private "
                        + "key" + hint);
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new HttpAccess(what, address, bind, token, ctx);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("the " + what + "'s TLS key store " + store + " cannot be opened with "
                    + "the password in " + pw + ": " + e.getMessage() + hint);
        }
    }

    /** Whether the server speaks HTTPS. */
    public boolean tls() {
        return tls != null;
    }

    /** {@code https} or {@code http}, for the addresses a server prints. */
    public String scheme() {
        return tls != null ? "https" : "http";
    }

    /** A server on {@code port} of the bound address: HTTPS with {@link #withTls}, otherwise HTTP. */
    public com.sun.net.httpserver.HttpServer server(int port, int backlog) throws IOException {
        java.net.InetSocketAddress at = new java.net.InetSocketAddress(address, port);
        if (tls == null) {
            return com.sun.net.httpserver.HttpServer.create(at, backlog);
        }
        com.sun.net.httpserver.HttpsServer s = com.sun.net.httpserver.HttpsServer.create(at, backlog);
        s.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        return s;
    }

    /** Loopback only, no token: what a server gets unless told otherwise. */
    public static HttpAccess loopback(String what) {
        return of(what, "127.0.0.1", null, "--token");
    }

    /**
     * @param what      the server, for messages ({@code dashboard}, {@code live runner})
     * @param token     null or blank for none
     * @param tokenFrom where a user gives the token, for the hint ({@code --token or ATLAS_DASHBOARD_TOKEN})
     * @throws IllegalArgumentException for an address other machines can reach without a token, a token under 16
     *                                  characters, or a name that does not resolve
     */
    public static HttpAccess of(String what, String bind, String token, String tokenFrom) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("the " + what + " cannot bind to " + bind + ": no such address");
        }
        boolean none = token == null || token.isBlank();
        if (!address.isLoopbackAddress() && none) {
            throw new IllegalArgumentException("the " + what + " binds to " + bind + ", which other machines can "
                    + "reach: give a token (" + tokenFrom + "), or bind to 127.0.0.1");
        }
        if (!none && token.length() < 16) {
            throw new IllegalArgumentException("the " + what + " token is " + token.length() + " characters: give at "
                    + "least 16 (for example: openssl rand -hex 16)");
        }
        return new HttpAccess(what, address, bind, none ? null : token, null);
    }

    public InetAddress address() {
        return address;
    }

    public String bind() {
        return bind;
    }

    public boolean hasToken() {
        return token != null;
    }

    /**
     * Whether the request may be answered; if not, it has been answered (401 without the token, 403 for a Host that
     * is not this machine). {@code query} is the request's query parameters.
     */
    public boolean allowed(HttpExchange ex, Map<String, String> query) throws IOException {
        if (token == null) {
            String host = Optional.ofNullable(ex.getRequestHeaders().getFirst("Host")).orElse("");
            String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                    : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
            if (!localNames.contains(name)) {
                LiveHttp.send(ex, 403, "text/plain", "host " + host + " is not this machine's " + what + "\n");
                return false;
            }
            return true;
        }
        String given = query.get("token");
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (given == null && auth != null && auth.startsWith("Bearer ")) {
            given = auth.substring(7).trim();
        }
        String cookie = ex.getRequestHeaders().getFirst("Cookie");
        if (given == null && cookie != null) {
            for (String c : cookie.split(";")) {
                String t = c.trim();
                if (t.startsWith("atlas_token=")) {
                    given = t.substring(12);
                }
            }
        }
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            LiveHttp.send(ex, 401, "text/plain", "this " + what + " needs its token: open it with ?token=TOKEN "
                    + "once, or send Authorization: Bearer TOKEN\n");
            return false;
        }
        if (query.containsKey("token")) {
            ex.getResponseHeaders().add("Set-Cookie", "atlas_token=" + token + "; HttpOnly; SameSite=Strict; Path=/"
                    + (tls != null ? "; Secure" : ""));
        }
        return true;
    }
}
