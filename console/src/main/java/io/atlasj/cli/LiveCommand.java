package io.atlasj.cli;

import io.atlasj.home.AtlasHome;
import io.atlasj.trainer.live.LiveJournal;
import io.atlasj.trainer.live.LiveModel;
import io.atlasj.trainer.live.LiveRunner;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code atlas live ...}: serve a trained model on the newest bars, journal and publish its predictions. */
@Command(name = "live", mixinStandardHelpOptions = true,
        description = {"Run a trained model on completed bars as they come (the model runner), journal every prediction",
            "durably, serve it over HTTP (JSON and Server-Sent Events) and publish it to Redis.",
            "Feeds: replay (stored bars in time order; by default the model's test period) and dir (files dropped",
            "into a folder, imported as they land)."},
        subcommands = {LiveCommand.Start.class, LiveCommand.Status.class, LiveCommand.Stop.class,
            LiveCommand.Predictions.class, LiveCommand.Versions.class, LiveCommand.Rollback.class})
final class LiveCommand {
    @ParentCommand
    AtlasCli atlas;

    /** The journal's name of a model given as WORKSPEC/UNIT/NAME or a key. */
    static String name(AtlasHome home, String ref) {
        return ref.matches("[0-9a-f]{32}") ? LiveModel.find(home, ref).name() : ref;
    }

    /** The {@code --model} option every subcommand but status requires. */
    static final class ModelRef {
        @Option(names = "--model", required = true, paramLabel = "MODEL",
                description = "WORKSPEC/UNIT/NAME (e.g. quickstart/direction-3bar/dnn#1) or a model's key.")
        String model;

        String name(AtlasHome home) {
            return LiveCommand.name(home, model);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run the model runner in the foreground until the replay ends or 'atlas live stop'.",
                "Started again after a crash (or kill -9), it continues after the last journaled bar."},
            footer = {"", "Example:", "  atlas live start --model quickstart/direction-3bar/dnn#1 --feed replay --speed 0"})
    static final class Start implements Callable<Integer> {
        @ParentCommand
        LiveCommand live;
        @Spec
        CommandSpec spec;
        @Mixin
        ModelRef ref;
        @Option(names = "--feed", defaultValue = "replay", paramLabel = "FEED",
                description = "Where bars come from: replay (stored bars in time order), dir (files dropped into "
                        + "--dir, imported as they land) or binance-ws (Binance's kline stream, gaps filled from its "
                        + "REST history). Default: ${DEFAULT-VALUE}.")
        String feed;
        @Option(names = "--dir", paramLabel = "DIR", description = "dir feed: the folder files land in (write them "
                + "as NAME.tmp and rename; imported ones go to DIR/imported, refused ones to DIR/rejected).")
        java.nio.file.Path dir;
        @Option(names = "--format", paramLabel = "F", converter = DataCommand.FormatConverter.class,
                description = "dir feed: the files' format, as for 'atlas data import'.")
        io.atlasj.marketdata.imports.ImportFormat format;
        @Option(names = "--exchange", paramLabel = "E", description = "dir feed: exchange, as for 'atlas data import'.")
        String exchange;
        @Option(names = "--symbol", paramLabel = "S", description = "dir feed: symbol, as for 'atlas data import'; "
                + "binance-ws: the exchange's symbol of the base market (default: the model's base symbol without "
                + "separators, BTCUSDT, a futures contract with its suffix, BTCUSD_PERP; other markets read are "
                + "received under theirs).")
        String symbol;
        @Option(names = "--ws-url", paramLabel = "[API=]URL", description = "binance-ws: the websocket server "
                + "(default: Binance's own for the model's markets, by their exchange name: binance spot, binance-us, "
                + "binance-um USD-M futures, binance-cm COIN-M futures; a server of the same protocol works too). A "
                + "model whose markets are of several APIs (a spot market and its perpetual) is read over a connection "
                + "per API: name each one's server, spot=URL, us=URL, um=URL or cm=URL (repeat the option).")
        List<String> wsUrl = new ArrayList<>();
        @Option(names = "--rest-url", paramLabel = "[API=]URL", description = "binance-ws: the REST server for "
                + "history and gaps (default: Binance's own for the model's markets; asked for /api/v3/..., or "
                + "/fapi/v1/... and /dapi/v1/... for the futures); per API as for --ws-url.")
        List<String> restUrl = new ArrayList<>();
        @Option(names = "--trades", description = "binance-ws: record each market's trade stream into the store too "
                + "(its trades, and the bars finer than its klines); duplicates dropped, gaps in the trade ids filled "
                + "from the REST history's historicalTrades (with the key in BINANCE_API_KEY when set).")
        boolean trades;
        @Option(names = "--timeframe", paramLabel = "T", converter = DataCommand.TimeframeConverter.class,
                description = "dir feed: bar length of candle files that do not tell.")
        io.atlasj.marketdata.Timeframe timeframe;
        /** dir feed: how its text files are written, as for 'atlas data import'. */
        @picocli.CommandLine.Mixin
        TextImportOptions text;
        @Option(names = "--from", paramLabel = "TIME", description = "First bar to predict (UTC; replay default: the "
                + "model's first test bar; dir default: the newest stored bar; binance-ws default: the bar forming "
                + "now). A restarted runner goes on after its "
                + "last journaled bar instead.")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "replay: end, exclusive (default: after the "
                + "model's last test bar).")
        String to;
        @Option(names = "--speed", defaultValue = "0", paramLabel = "X",
                description = "Replay speed: 0 as fast as possible, 1 real time, 60 sixty times real time. "
                        + "Default: ${DEFAULT-VALUE}.")
        double speed;
        @Option(names = "--redis", paramLabel = "HOST:PORT",
                description = "Publish each prediction to Redis (key and channel atlas:live:MODEL).")
        String redis;
        @Option(names = "--http-port", defaultValue = "8089", paramLabel = "PORT",
                description = "Serve /status, /predictions and /events on PORT (0: any free port, -1: none). "
                        + "Default: ${DEFAULT-VALUE}.")
        int httpPort;
        @Option(names = "--http-bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
                description = "Address the endpoints listen on (default: ${DEFAULT-VALUE}); any other needs a token.")
        String httpBind;
        @Option(names = "--http-token", paramLabel = "TOKEN",
                description = "Token the endpoints ask for (Authorization: Bearer TOKEN, or ?token=TOKEN once), at "
                        + "least 16 characters; default: ATLAS_LIVE_TOKEN.")
        String httpToken;
        @Option(names = "--http-tls", paramLabel = "DIR",
                description = "Serve the endpoints over HTTPS with the key in DIR/node.p12 and its DIR/password "
                        + "(deploy/tls/make-certs.sh DIR HOST makes DIR/HOST).")
        java.nio.file.Path httpTls;
        @Option(names = "--fine-tune", paramLabel = "N",
                description = "Event-driven training: after every N matched outcomes, fetch their inputs back by "
                        + "reference and fine-tune the model into a new version (default: off).")
        Integer fineTuneEvery;
        @Option(names = "--fine-tune-lr", paramLabel = "LR",
                description = "Learning rate of a fine-tuning step; for gradient-boosted trees, each new round's eta. "
                        + "Default: 1e-4 for a network, 0.01 for trees.")
        Double fineTuneLr;
        @Option(names = "--fine-tune-steps", defaultValue = "1", paramLabel = "K",
                description = "Optimizer steps per fine-tuning; for gradient-boosted trees, boosting rounds added "
                        + "(each adds a tree per class). Default: ${DEFAULT-VALUE}.")
        int fineTuneSteps;
        @Option(names = "--replay-buffer", defaultValue = "256", paramLabel = "B",
                description = "Learned frames the replay buffer samples from. Default: ${DEFAULT-VALUE}.")
        int replayBuffer;

        /**
         * The servers {@code --ws-url} or {@code --rest-url} named: {@code API=URL} under the API's id, a bare URL
         * under {@code ""} (every API's). An API named twice is refused; which ids exist and which APIs the model
         * reads is the feed's to check.
         */
        static Map<String, java.net.URI> servers(String option, List<String> given) {
            Map<String, java.net.URI> out = new java.util.LinkedHashMap<>();
            for (String g : given) {
                int eq = g.indexOf('=');
                // API=URL when what precedes the first '=' is a plain id (a URL's query may hold '=' too)
                boolean named = eq > 0 && g.substring(0, eq).matches("[A-Za-z]+");
                String id = named ? g.substring(0, eq).toLowerCase(Locale.ROOT) : "";
                String url = named ? g.substring(eq + 1) : g;
                java.net.URI uri;
                try {
                    uri = new java.net.URI(url);
                } catch (java.net.URISyntaxException e) {
                    throw new UserException(option + " " + g + ": not a URL (" + e.getMessage() + ")");
                }
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new UserException(option + " " + g + ": give a URL with its scheme and host, such as "
                            + (option.equals("--ws-url") ? "ws://127.0.0.1:9443" : "http://127.0.0.1:8080")
                            + ", or API=URL (spot, us, um, cm)");
                }
                if (out.put(id, uri) != null) {
                    throw new UserException(option + " is given twice for " + (id.isEmpty() ? "every API" : id));
                }
            }
            return out;
        }

        @Override
        public Integer call() throws Exception {
            io.atlasj.trainer.live.FeedSpec source;
            switch (feed) {
                case "replay" -> source = new io.atlasj.trainer.live.FeedSpec.Replay(speed);
                case "dir" -> {
                    if (dir == null || format == null) {
                        throw new UserException("--feed dir needs --dir DIR and --format F (and --exchange, --symbol as "
                                + "'atlas data import' does for that format)");
                    }
                    source = new io.atlasj.trainer.live.FeedSpec.Dir(dir, text.applyTo(
                            new io.atlasj.marketdata.imports.ImportOptions(format, exchange, symbol, timeframe, false,
                                    false, null)));
                }
                case "binance-ws" -> {
                    if (exchange != null || timeframe != null) {
                        throw new UserException("--exchange and --timeframe go with --feed dir: binance-ws stores the "
                                + "markets the model reads, the base market at its base timeframe");
                    }
                    source = new io.atlasj.trainer.live.FeedSpec.BinanceWs(servers("--ws-url", wsUrl),
                            servers("--rest-url", restUrl), symbol, trades);
                }
                default -> throw new UserException("--feed " + feed + ": give replay, dir or binance-ws");
            }
            if (!feed.equals("dir") && (dir != null || format != null || text.any())) {
                throw new UserException("--dir, --format, --columns, --delimiter, --time-zone, --time-format and "
                        + "--decimal-comma go with --feed dir");
            }
            if (!feed.equals("binance-ws") && (!wsUrl.isEmpty() || !restUrl.isEmpty() || trades)) {
                throw new UserException("--ws-url, --rest-url and --trades go with --feed binance-ws");
            }
            if (!feed.equals("replay") && (to != null || speed != 0)) {
                throw new UserException("--to and --speed pace a replay; a " + feed + " feed takes bars as they come");
            }
            if (speed < 0) {
                throw new UserException("--speed " + speed + ": give 0 (as fast as possible) or a positive factor");
            }
            PrintWriter out = spec.commandLine().getOut();
            io.atlasj.trainer.live.HttpAccess access;
            try {
                access = io.atlasj.trainer.live.HttpAccess.of("live runner", httpBind,
                        httpToken != null ? httpToken : live.atlas.env("ATLAS_LIVE_TOKEN"),
                        "--http-token or ATLAS_LIVE_TOKEN");
                access = httpTls == null ? access : access.withTls(httpTls, "--http-tls");
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            LiveRunner.Options o = new LiveRunner.Options(ref.model,
                    from == null ? null : Formats.parseTime(from, "--from"),
                    to == null ? null : Formats.parseTime(to, "--to"), redis, httpPort,
                    fineTuneEvery == null ? null : new io.atlasj.trainer.live.FineTuner.FineTune(fineTuneEvery,
                            fineTuneLr == null ? Double.NaN : fineTuneLr, fineTuneSteps, replayBuffer), source, access);
            LiveRunner.run(live.atlas.home(), o, line -> {
                out.println(line);
                out.flush();
            });
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each model's runner state, bars predicted, live accuracy against its backtest, latency.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        LiveCommand live;
        @Spec
        CommandSpec spec;
        @Option(names = "--model", paramLabel = "MODEL", description = "Only this model.")
        String model;

        @Override
        public Integer call() {
            AtlasHome home = live.atlas.home();
            PrintWriter out = spec.commandLine().getOut();
            try (LiveJournal j = LiveJournal.open(home.live())) {
                List<String> models = model == null ? j.models() : List.of(name(home, model));
                if (models.isEmpty()) {
                    out.println("no model has run live yet (atlas live start --model WORKSPEC/UNIT/NAME)");
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (String m : models) {
                    rows.add(row(home, j, m));
                }
                out.print(Formats.table(HEADER, rows));
                for (String m : models) {
                    String money;
                    try {
                        money = LiveMoney.of(home, j, m).text();
                    } catch (io.atlasj.marketdata.store.StoreException e) {
                        money = "no money figures: " + e.getMessage();
                    } catch (RuntimeException e) {
                        money = "no money figures: " + e.getMessage();
                    }
                    out.println(m + ": " + money);
                }
                return 0;
            }
        }

        /** The columns of {@link #row}: what {@code atlas live status} prints and the dashboard's live page shows. */
        static final List<String> HEADER = List.of("model", "state", "version", "last bar", "predicted", "skipped",
                "missing", "outcomes", "live acc", "backtest acc", "p50 us", "p99 us", "feed lag p50/p99");

        /** Every model that has run live, as {@code atlas live status} shows it, with its money line; for the dashboard. */
        static List<Map<String, String>> all(AtlasHome home) {
            List<Map<String, String>> out = new ArrayList<>();
            try (LiveJournal j = LiveJournal.open(home.live())) {
                for (String m : j.models()) {
                    List<String> row = row(home, j, m);
                    Map<String, String> r = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < HEADER.size(); i++) {
                        r.put(HEADER.get(i), row.get(i));
                    }
                    String money;
                    try {
                        money = LiveMoney.of(home, j, m).text();
                    } catch (RuntimeException e) {
                        money = "no money figures: " + e.getMessage();
                    }
                    r.put("money", money);
                    out.add(r);
                }
            }
            return out;
        }

        /** A model's newest {@code limit} journal entries, newest first, as the runner's HTTP endpoint describes them. */
        static List<Map<String, Object>> latest(AtlasHome home, String model, int limit) {
            try (LiveJournal j = LiveJournal.open(home.live())) {
                List<LiveJournal.Entry> all = j.entries(model, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
                List<Map<String, Object>> out = new ArrayList<>();
                for (int i = all.size() - 1; i >= Math.max(0, all.size() - limit); i--) {
                    out.add(io.atlasj.trainer.live.LiveRunner.describe(all.get(i)));
                }
                return out;
            }
        }

        static List<String> row(AtlasHome home, LiveJournal j, String m) {
            var runner = j.runner(m);
            List<LiveJournal.Entry> entries = j.entries(m, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            List<LiveJournal.Frame> frames = j.frames(m, Long.MIN_VALUE, Long.MAX_VALUE);
            long ok = entries.stream().filter(e -> e.status().equals("ok")).count();
            List<Long> lat = entries.stream().filter(e -> e.status().equals("ok")).map(LiveJournal.Entry::latencyMicros)
                    .collect(Collectors.toList());
            long known = frames.stream().filter(f -> f.outcome() != null).count();
            // a classifier's hit is its class; a regression's, the direction of its forecast
            boolean classifies = true;
            String backtest = "";
            try {
                LiveModel lm = LiveModel.find(home, m);
                classifies = lm.classifies();
                if (lm.test() != null && lm.test().time().length > 0) {
                    int h = 0;
                    for (int i = 0; i < lm.test().actual().length; i++) {
                        h += hit(classifies, lm.test().predicted()[i], lm.test().actual()[i]) ? 1 : 0;
                    }
                    backtest = pct(h, lm.test().actual().length) + (classifies ? "" : " (direction)");
                }
            } catch (RuntimeException e) {
                backtest = "?";
            }
            boolean c = classifies;
            long hits = frames.stream().filter(f -> f.outcome() != null && hit(c, f.prediction(), f.outcome())).count();
            String state = runner.map(r -> r.state().equals("running") && System.currentTimeMillis() - r.heartbeat() > 30_000
                    ? "silent (pid " + r.pid() + ", last heard " + Instant.ofEpochMilli(r.heartbeat()) + ")"
                    : r.state()).orElse("-");
            int version = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).version();
            return List.of(m, state, String.valueOf(version),
                    entries.isEmpty() ? "-" : Formats.time(entries.get(entries.size() - 1).barTime()),
                    String.valueOf(ok), String.valueOf(entries.size() - ok),
                    String.valueOf(j.missing(m, Long.MIN_VALUE, Long.MAX_VALUE).stream()
                            .mapToLong(LiveJournal.Missing::bars).sum()), known + " of " + frames.size(),
                    known == 0 ? "-" : pct(hits, known), backtest,
                    String.valueOf(LiveRunner.percentile(lat, 50)), String.valueOf(LiveRunner.percentile(lat, 99)),
                    feedLag(home, runner.orElse(null), entries, m));
        }

        /**
         * The live run's feed lag: from each bar's close to its journal entry (the feed's delay and the runner's work),
         * p50/p99 over the entries of the newest run; "replay" for a replay of history, where it means nothing.
         */
        static String feedLag(AtlasHome home, LiveJournal.Runner runner, List<LiveJournal.Entry> entries, String m) {
            if (runner == null) {
                return "-";
            }
            if (runner.feed().startsWith("replay")) {
                return "replay";
            }
            long tf;
            try {
                tf = LiveModel.find(home, m).baseTimeframe().millis();
            } catch (RuntimeException e) {
                return "?";
            }
            List<Long> lag = entries.stream().filter(e -> e.writtenAt() >= runner.startedAt())
                    .map(e -> e.writtenAt() - (e.barTime() + tf)).collect(Collectors.toList());
            return lag.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f/%.1f s", LiveRunner.percentile(lag, 50) / 1e3,
                    LiveRunner.percentile(lag, 99) / 1e3);
        }

        private static boolean hit(boolean classifies, double predicted, double actual) {
            return classifies ? predicted == actual : Math.signum(predicted) == Math.signum(actual);
        }

        private static String pct(long a, long b) {
            return String.format(Locale.ROOT, "%.1f%%", 100.0 * a / b);
        }
    }

    /** A subcommand about one model: its name resolved and the journal open. */
    abstract static class OnModel implements Callable<Integer> {
        @ParentCommand
        LiveCommand live;
        @Spec
        CommandSpec spec;
        @Mixin
        ModelRef ref;

        @Override
        public Integer call() {
            AtlasHome home = live.atlas.home();
            String m = ref.name(home);
            try (LiveJournal j = LiveJournal.open(home.live())) {
                return run(home, m, j, spec.commandLine().getOut());
            }
        }

        abstract int run(AtlasHome home, String model, LiveJournal j, PrintWriter out);
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Ask a model's runner to stop after the bar it is on.")
    static final class Stop extends OnModel {
        @Override
        int run(AtlasHome home, String m, LiveJournal j, PrintWriter out) {
            if (!j.requestStop(m)) {
                throw new UserException(m + ": no runner of it is running (atlas live status)");
            }
            out.println(m + ": asked to stop; it stops within a second");
            return 0;
        }
    }

    @Command(name = "predictions", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Print a model's journaled predictions, oldest first.")
    static final class Predictions extends OnModel {
        @Option(names = "--from", paramLabel = "TIME", description = "First bar (UTC).")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "End, exclusive (UTC).")
        String to;
        @Option(names = "--format", defaultValue = "table", paramLabel = "F", description = "table or csv.")
        String format;

        @Override
        int run(AtlasHome home, String m, LiveJournal j, PrintWriter out) {
            if (!format.equals("table") && !format.equals("csv")) {
                throw new UserException("--format " + format + ": give table or csv");
            }
            long a = from == null ? Long.MIN_VALUE : Formats.parseTime(from, "--from");
            long b = to == null ? Long.MAX_VALUE : Formats.parseTime(to, "--to");
            java.util.Map<Long, LiveJournal.Frame> frames = new java.util.HashMap<>();
            j.frames(m, a, b).forEach(f -> frames.put(f.barTime(), f));
            List<List<String>> rows = new ArrayList<>();
            // each run of bars the feed never gave is a row of its own at its first bar, in time order
            java.util.Deque<LiveJournal.Missing> gaps = new java.util.ArrayDeque<>(j.missing(m, a, b));
            for (LiveJournal.Entry e : j.entries(m, a, b, Integer.MAX_VALUE)) {
                while (!gaps.isEmpty() && gaps.peek().from() < e.barTime()) {
                    rows.add(missingRow(gaps.poll()));
                }
                LiveJournal.Frame f = frames.get(e.barTime());
                String outcome = f == null || f.matchedAt() == null ? "" : f.outcome() == null ? "unknown"
                        : num(f.outcome());
                rows.add(List.of(Formats.time(e.barTime()), String.valueOf(e.version()), e.status(),
                        Double.isNaN(e.predicted()) ? "" : num(e.predicted()),
                        e.probabilities() == null ? "" : Arrays.stream(e.probabilities()).mapToObj(LiveCommand::num)
                                .collect(Collectors.joining(format.equals("csv") ? ";" : " ")),
                        outcome, String.valueOf(e.latencyMicros()), e.reason() == null ? "" : e.reason()));
            }
            while (!gaps.isEmpty()) {
                rows.add(missingRow(gaps.poll()));
            }
            List<String> header = List.of("bar", "version", "status", "prediction", "probabilities", "outcome",
                    "latency_us", "reason");
            if (format.equals("csv")) {
                out.println(String.join(",", header));
                for (List<String> r : rows) {
                    out.println(r.stream().map(LiveCommand::csv).collect(Collectors.joining(",")));
                }
            } else {
                out.print(Formats.table(header, rows));
            }
            return 0;
        }
    }

    /** A run of missing bars as a row of {@code atlas live predictions}: at its first bar, saying how many and why. */
    static List<String> missingRow(LiveJournal.Missing g) {
        return List.of(Formats.time(g.from()), "", "missing", "", "", "", "", g.bars() + (g.bars() == 1 ? " bar" : " bars")
                + " to " + Formats.time(g.to()) + ": " + g.reason());
    }

    @Command(name = "versions", mixinStandardHelpOptions = true,
            description = "A model's versions: the trained one and those fine-tuned from it, and which is served.")
    static final class Versions extends OnModel {
        @Override
        int run(AtlasHome home, String m, LiveJournal j, PrintWriter out) {
            int active = j.active(m).map(LiveJournal.Version::version).orElse(0);
            List<List<String>> rows = new ArrayList<>();
            for (LiveJournal.Version v : j.versions(m)) {
                rows.add(List.of(v.version() == active ? v.version() + " *" : String.valueOf(v.version()),
                        v.parent() == null ? "-" : String.valueOf(v.parent()), Formats.time(v.createdAt()),
                        v.sha256().substring(0, 12), v.source()));
            }
            if (rows.isEmpty()) {
                throw new UserException(m + " has not run live yet");
            }
            out.print(Formats.table(List.of("version", "parent", "created", "sha256", "source"), rows));
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Serve an earlier version of a model again; a running runner swaps to it between two bars.")
    static final class Rollback extends OnModel {
        @Option(names = "--to-version", required = true, paramLabel = "N", description = "The version to serve.")
        int version;

        @Override
        int run(AtlasHome home, String m, LiveJournal j, PrintWriter out) {
            j.activate(m, version);
            out.println(m + ": version " + version + " is served from now on");
            return 0;
        }
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
