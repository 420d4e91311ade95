package io.atlasj.cli;

import io.atlasj.cli.dashboard.Dashboard;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas dashboard [--port 8088] [--bind 127.0.0.1] [--token T]}: the dashboard, until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the dashboard in the browser: runs in progress and finished (ATLAS_HOME/journal), their "
                + "slots, failures and leaderboards with the multiple-testing verdicts as results arrive, each model's "
                + "training curves while it trains, its baseball card and WorkSpec entry, two models compared. "
                + "Read-only; JSON endpoints in docs/dashboard.md. A run can serve the same pages itself: "
                + "atlas run --local --dashboard-port N, atlas cluster start --role coordinator --dashboard-port N."})
final class DashboardCommand implements Callable<Integer> {
    @ParentCommand
    AtlasCli atlas;
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8088", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}); any other needs a token.")
    String bind;
    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Required of every request (default: $ATLAS_DASHBOARD_TOKEN); at least 16 characters.")
    String token;
    @Option(names = "--tls", paramLabel = "DIR", description = "Serve HTTPS with the key in DIR/node.p12 and its "
            + "DIR/password (deploy/tls/make-certs.sh DIR HOST makes DIR/HOST), so the token never crosses the network "
            + "in clear text.")
    java.nio.file.Path tls;

    @Override
    public Integer call() throws IOException, InterruptedException {
        System.setProperty("java.awt.headless", "true");
        Dashboard d = start(atlas, port, bind, token, tls);
        PrintWriter out = spec.commandLine().getOut();
        out.println("dashboard: " + d.url() + " (journals under " + atlas.home().journal() + "; Ctrl-C stops it)");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            d.close();
            stop.countDown();
        }, "atlas-dashboard-stop"));
        stop.await();
        return 0;
    }

    /** Starts the dashboard, the token given or else {@code ATLAS_DASHBOARD_TOKEN}; bad settings are user errors. */
    static Dashboard start(AtlasCli atlas, int port, String bind, String token, java.nio.file.Path tls)
            throws IOException {
        String t = token != null ? token : atlas.env("ATLAS_DASHBOARD_TOKEN");
        if (port < 0 || port > 65_535) {
            throw new UserException("--port must be 0 to 65535, got " + port);
        }
        try {
            var home = atlas.home();
            return Dashboard.start(home, bind, port, t, tls, new Dashboard.LiveView() {
                @Override
                public java.util.List<java.util.Map<String, String>> runners() {
                    return LiveCommand.Status.all(home);
                }

                @Override
                public java.util.List<java.util.Map<String, Object>> predictions(String model, int limit) {
                    return LiveCommand.Status.latest(home, model, limit);
                }
            });
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        } catch (java.net.BindException e) {
            throw new UserException("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "): is another dashboard running? choose another port");
        } catch (java.net.UnknownHostException e) {
            throw new UserException("unknown address " + bind + " (give an IP address or a host name of this machine)");
        }
    }
}
