package io.atlasj.trainer.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.store.MarketDataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Binance's public market data: the kline streams ({@code /ws/SYMBOL@kline_INTERVAL}, or one combined stream
 * {@code /stream?streams=a@kline_1m/b@kline_1m} when the model reads several markets) of every market the model's
 * features and label read, and the REST history ({@code /api/v3/klines}, {@code /api/v3/time}) for what the streams
 * did not deliver. Each market is read from the API its exchange name tells ({@link BinanceApi}: spot, Binance.US,
 * USD-M or COIN-M futures, whose REST paths are {@code /api/v3}, {@code /api/v3}, {@code /fapi/v1} and
 * {@code /dapi/v1}), on its own servers unless others are named; markets of several APIs (a spot market and its
 * perpetual) come over a connection per API, each with its own clock, backoff and history. The base market is received at the model's timeframe (a model reading it
 * at finer bars is refused), every other market at the coarsest kline length all its timeframes are made from; each
 * market has its own spool, backfill, gap fill and duplicate suppression.
 *
 * <ul>
 *   <li>A bar is complete when the stream says so ({@code "x": true}), or, from the REST history, when its close time
 *       is before the server's time. Updates of the forming bar are ignored. A base bar is predicted once every
 *       market's bars closing by its close are stored: a late one is fetched from the history after 5 s, and after a
 *       minute without it the base bar is predicted with what is stored (said once).</li>
 *   <li>Every complete bar goes into the market-data store exactly as {@code atlas data import --format
 *       binance-klines} would put it there: the feed writes the exchange's text to a spool file
 *       ({@code ATLAS_HOME/live/feeds/MARKET-TF/}, written whole, then renamed) and imports it with every check an
 *       import makes. An imported file is deleted; a refused one is moved to {@code rejected/} with its reason. A
 *       file left by a killed runner is imported when it starts again.</li>
 *   <li>Duplicates (a bar the store holds already, sent again after a reconnect) are dropped. A gap (a bar that closes
 *       after one that never came) is filled from the REST history first, so bars are stored and predicted in
 *       order. (A market quiet for a whole bar has a kline of no trades on Binance; a gap the history does not
 *       fill either stays a gap, as in an import.)</li>
 *   <li>A closed or silent connection (no message for a minute) is opened again after 1 s, doubling to 30 s while it
 *       fails; once open, the bars that closed meanwhile are fetched from the REST history.</li>
 *   <li>At start, history is fetched from the newest stored bar (at most the featureset's warm-up and a day before
 *       the first bar to predict), so features have the history the batch build had.</li>
 *   <li>With {@code trades} ({@code --trades}), each market's trade stream ({@code SYMBOL@trade}, in the same combined
 *       connection) is recorded too: each trade is kept as the raw message in a capture file of the form {@code atlas
 *       data import --format binance-ws} reads ({@code <receipt time in ns> <message>}), imported every
 *       {@link #TRADES_EVERY} trades or {@link #TRADES_AGE} ms and when the runner stops. A trade id stored or received
 *       before is dropped; a jump in the ids (a reconnection, a restart) is filled from {@code /api/v3/historicalTrades}
 *       (or the futures API's; sent the key in {@code BINANCE_API_KEY} when set and the server is Binance's), at
 *       most {@link #TRADE_PAGES} pages of 1,000 (futures: 500) per gap, a few seconds at a time between bars, failed
 *       requests tried again; what is not fetched is counted as missing and said. A runner killed with SIGKILL imports its recording when it starts
 *       again, and fetches from the history the holes in the stored ids (trades of its last second not written out, a
 *       gap not fetched yet). The store keeps the trades and makes from them the bars the klines do not make (finer
 *       ones, such as seconds beside minute klines, and lengths the kline length does not divide).</li>
 * </ul>
 */
final class BinanceFeed implements Feed {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BACKOFF = 30_000;
    private static final long SILENCE = 60_000;
    private static final int PAGE = 1000;
    /** Trades recorded before they are imported (or {@link #TRADES_AGE}, whichever comes first). */
    static final int TRADES_EVERY = 100_000;
    /** How long recorded trades wait at most before they are imported. */
    static final long TRADES_AGE = 5 * 60_000;
    /** Pages of the trade history fetched for one gap in the trade ids, at most. */
    static final int TRADE_PAGES = 100;

    /** One kline as the exchange sent it, its numbers kept as the exchange's text. */
    record Kline(long open, String o, String h, String l, String c, String v, long close, String q, long n,
                 String takerBase, String takerQuote) {
        /** The row of Binance's 12-column kline CSV. */
        String csv() {
            return open + "," + o + "," + h + "," + l + "," + c + "," + v + "," + close + "," + q + "," + n + ","
                    + takerBase + "," + takerQuote + ",0";
        }

        /** From a stream message's {@code k} object. */
        static Kline ofStream(JsonNode k) {
            return new Kline(k.path("t").asLong(), k.path("o").asText(), k.path("h").asText(), k.path("l").asText(),
                    k.path("c").asText(), k.path("v").asText(), k.path("T").asLong(), k.path("q").asText(),
                    k.path("n").asLong(), k.path("V").asText(), k.path("Q").asText());
        }

        /** From a row of the REST history: {@code [t, o, h, l, c, v, T, q, n, V, Q, B]}. */
        static Kline ofRest(JsonNode a) {
            return new Kline(a.path(0).asLong(), a.path(1).asText(), a.path(2).asText(), a.path(3).asText(),
                    a.path(4).asText(), a.path(5).asText(), a.path(6).asLong(), a.path(7).asText(), a.path(8).asLong(),
                    a.path(9).asText(), a.path(10).asText());
        }
    }

    /**
     * One market's kline stream: the exchange's symbol and interval, the spool its bars are imported from, and the
     * newest bar stored. Only the runner's thread reads and changes it.
     */
    private final class Stream {
        /** The API connection the stream is received on. */
        final Connection conn;
        final Market market;
        final String symbol;
        final Timeframe timeframe;
        final long tf;
        final ImportOptions imports;
        final Path spool;
        long lastStored = Long.MIN_VALUE;
        /** A close time up to which the stream counts as complete without its bars (the exchange sent none). */
        long settledTo = Long.MIN_VALUE;
        long duplicates;
        long backfilled;
        /** Whether giving up on this stream was said since it last stored a bar. */
        boolean saidLate;

        Stream(AtlasHome home, Connection conn, Market market, String symbol, Timeframe timeframe) {
            this.conn = conn;
            this.market = market;
            this.symbol = symbol;
            this.timeframe = timeframe;
            this.tf = timeframe.millis();
            this.imports = new ImportOptions(ImportFormat.BINANCE_KLINES, market.exchange(), market.symbol(), timeframe,
                    false, false, null);
            try {
                this.spool = Files.createDirectories(home.live().resolve("feeds").resolve((market.exchange() + "_"
                        + market.symbol() + "-" + timeframe.label()).replaceAll("[^A-Za-z0-9_.-]", "_")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the feed's spool folder under " + home.live(), e);
            }
        }

        /** The stream's name on the exchange: {@code btcusdt@kline_5m}. */
        String name() {
            return symbol.toLowerCase(Locale.ROOT) + "@kline_" + timeframe.label();
        }

        /**
         * Whether every bar of this stream that closes by {@code close} is stored (or settled): what a base bar closing
         * then may read of it.
         */
        boolean covers(long close) {
            long due = timeframe.floor(close); // the close of the newest bar closing by then
            return lastStored != Long.MIN_VALUE && lastStored + tf >= due || settledTo >= due;
        }
    }

    /** A closed kline received for a stream. */
    private record Received(Stream stream, Kline kline) {
    }

    /** Put into {@link #closed} when a handshake ends, so the runner's thread takes the connection up at once. */
    private static final Received HANDSHAKE_DONE = new Received(null, null);

    /** A trade message received on {@code conn}: its symbol and id, and the capture line that records it. */
    private record TradeMessage(Connection conn, String symbol, long id, String line) {
    }

    /**
     * Trade ids {@code [next, to)} the stream skipped, to fetch from the history: pages fetched so far, failed attempts in
     * a row, and when to try again (this machine's clock).
     */
    private static final class Gap {
        long next;
        final long to;
        int pages;
        int failures;
        long retryAt;

        Gap(long next, long to) {
            this.next = next;
            this.to = to;
        }
    }

    /**
     * One market's trade stream, recorded with {@code --trades}: the capture lines not imported yet, and the newest trade
     * id recorded. Only the runner's thread reads and changes it.
     */
    private final class Tape {
        final Stream stream;
        final Path spool;
        final ImportOptions imports;
        long lastId = Long.MIN_VALUE;
        /** The capture file being written ({@code recording.part}): trades received and not imported yet. */
        java.io.Writer part;
        long pending;
        long firstPending;
        long pendingSince;
        long recorded;
        long duplicates;
        long backfilled;
        long missing;
        /** Ranges of trade ids the stream skipped, still to fetch from the history, oldest first. */
        final java.util.ArrayDeque<Gap> gaps = new java.util.ArrayDeque<>();

        Tape(AtlasHome home, Stream stream) {
            this.stream = stream;
            this.imports = new ImportOptions(ImportFormat.BINANCE_WS, stream.market.exchange(), stream.market.symbol(),
                    null, false, false, null);
            try {
                this.spool = Files.createDirectories(home.live().resolve("feeds").resolve((stream.market.exchange()
                        + "_" + stream.market.symbol() + "-trades").replaceAll("[^A-Za-z0-9_.-]", "_")));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the feed's spool folder under " + home.live(), e);
            }
        }

        /** The stream's name on the exchange: {@code btcusdt@trade}. */
        String name() {
            return stream.symbol.toLowerCase(Locale.ROOT) + "@trade";
        }
    }

    /** How long a base bar waits for another stream's bar of the same close before it is fetched from the history. */
    private static final long GRACE = 5_000;
    /**
     * How long a base bar waits for another stream at all: then it is predicted with what that stream has stored. Once
     * given up on, a stream that stays silent holds later bars only for {@link #GRACE} and a look at the history.
     */
    private static final long GIVE_UP = 60_000;

    private final MarketDataStore store;
    private final LiveModel m;
    private final FeedSpec.BinanceWs spec;
    /** One per API the markets are read from, the base market's first. */
    private final List<Connection> connections = new ArrayList<>();
    /** The base market's stream, first in {@link #streams}. */
    private final Stream base;
    /** Every market the features and labels read, each at the coarsest kline length all its reads resample from. */
    private final List<Stream> streams = new ArrayList<>();
    private final long baseTf;
    private final Consumer<String> out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final LinkedBlockingQueue<Received> closed = new LinkedBlockingQueue<>();
    /** The markets' trade streams ({@code --trades}), in the order of {@link #streams}; empty without. */
    private final List<Tape> tapes = new ArrayList<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<TradeMessage> trades =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The key sent to the trade history, from {@code BINANCE_API_KEY} (null: none). */
    private final String apiKey = System.getenv("BINANCE_API_KEY");
    private final long start;
    private final BarWindow window;
    /** Where the imports since the window was last refreshed may have changed stored bars (MAX_VALUE: nowhere). */
    private long changedFrom = Long.MAX_VALUE;
    /** The base bar waiting for another stream, since when (local clock), and whether the history was asked. */
    private long blockedBar = Long.MIN_VALUE;
    private long blockedSince;
    private boolean blockedFetched;

    /**
     * One of Binance's APIs the model's markets are read from: its servers, the one websocket connection that carries
     * its markets' streams, and its server's clock. Each API has its own hosts (a spot-against-perpetual model reads
     * two), so each connection is opened, watched and opened again on its own.
     */
    private final class Connection {
        /** The API (its paths, and its servers unless the spec names others). */
        final BinanceApi api;
        final URI websocket;
        final URI rest;
        /** Whether both servers are the API's own. */
        final boolean own;
        /** Its markets' kline streams, in the order of {@link #streams}. */
        final List<Stream> streams = new ArrayList<>();
        volatile WebSocket socket;
        volatile long lastMessage;
        volatile String lost;
        volatile long backoff = 1000;
        volatile long nextAttempt;
        boolean everConnected;
        long reconnects;
        /** A connection being opened (its handshake runs on the HTTP client's threads), or null. */
        java.util.concurrent.CompletableFuture<WebSocket> opening;
        Listener openingListener;
        URI openingUri;
        long openingSince;
        /** The newest time the server told (its clock, or a message's event time), and this machine's clock then. */
        volatile long serverSeen = Long.MIN_VALUE;
        volatile long localAtSeen;

        Connection(BinanceApi api, URI websocket, URI rest) {
            this.api = api;
            this.websocket = websocket != null ? websocket : api.websocket;
            this.rest = rest != null ? rest : api.rest;
            this.own = this.websocket.equals(api.websocket) && this.rest.equals(api.rest);
        }

        /** Every stream of this connection: its klines, then its trades. */
        List<String> streamNames() {
            List<String> names = new ArrayList<>(streams.stream().map(Stream::name).toList());
            tapes.stream().filter(t -> t.stream.conn == this).forEach(t -> names.add(t.name()));
            return names;
        }

        /** The address of the REST endpoint {@code name} ({@code /klines}) of the API on its REST server. */
        String endpoint(String name) {
            return rest.toString().replaceAll("/+$", "") + api.path + name;
        }

        /** The server's clock: a REST bar is complete once its close time is before it. */
        long serverTime() throws IOException, InterruptedException {
            JsonNode t = get(endpoint("/time"));
            if (!t.path("serverTime").canConvertToLong()) {
                throw new IOException(endpoint("/time") + ": no serverTime in " + abbreviate(t.toString()));
            }
            long server = t.path("serverTime").asLong();
            saw(server);
            return server;
        }

        /** Notes a time the server told. */
        synchronized void saw(long server) {
            if (server > serverSeen) {
                localAtSeen = System.currentTimeMillis();
                serverSeen = server;
            }
        }

        /** The exchange's clock as last told, moved on by this machine's since. */
        long serverNow() {
            return serverSeen == Long.MIN_VALUE ? Long.MIN_VALUE
                    : serverSeen + (System.currentTimeMillis() - localAtSeen);
        }

        /** The stream of a kline message's symbol and interval, or null when none of this connection's. */
        Stream streamOf(String symbol, String interval) {
            for (Stream st : streams) {
                if (st.symbol.equalsIgnoreCase(symbol) && st.timeframe.label().equals(interval)) {
                    return st;
                }
            }
            return null;
        }

        /** Whether the REST server is Binance's own, the only one {@code BINANCE_API_KEY} is sent to. */
        boolean binanceHost() {
            String host = rest.getHost() == null ? "" : rest.getHost().toLowerCase(Locale.ROOT);
            return host.equals("binance.com") || host.endsWith(".binance.com") || host.endsWith(".binance.us")
                    || host.endsWith(".binance.vision");
        }

        /** What it reads from where, for the user. */
        String describe() {
            return String.join(", ", streamNames()) + " of " + api.title + " from " + websocket + " and " + rest;
        }
    }

    /**
     * @param resumeAfter the journal's last bar of this model, or null: a restarted runner goes on after it, with the
     *                    bars that closed while it was down fetched from the REST history
     */
    BinanceFeed(AtlasHome home, LiveModel m, FeatureSetBuilder.Resolved r, long lead, Long from, Long resumeAfter,
                FeedSpec.BinanceWs spec, Consumer<String> out) {
        Market baseMarket = m.featureset().baseMarket();
        this.m = m;
        this.spec = spec;
        this.out = out;
        this.baseTf = m.baseTimeframe().millis();
        java.util.Map<Market, List<Timeframe>> reads = new java.util.LinkedHashMap<>();
        reads.put(baseMarket, new ArrayList<>(List.of(m.baseTimeframe())));
        for (FeatureSetBuilder.Need n : r.needs()) {
            reads.computeIfAbsent(n.market(), k -> new ArrayList<>()).add(n.timeframe());
        }
        java.util.Map<Market, BinanceApi> apis = new java.util.HashMap<>(); // each market's own (null: none)
        BinanceApi otherwise = api(m.name(), reads.keySet(), baseMarket, spec.named(), apis);
        java.util.Map<BinanceApi, Connection> byApi = new java.util.LinkedHashMap<>();
        java.util.Map<Market, Connection> connOf = new java.util.HashMap<>(); // each market's connection
        for (Market market : reads.keySet()) {
            BinanceApi a = apis.get(market) == null ? otherwise : apis.get(market);
            connOf.put(market, byApi.computeIfAbsent(a, x -> new Connection(x, server(spec.websockets(), x),
                    server(spec.rests(), x))));
        }
        connections.addAll(byApi.values());
        checkServers(m.name(), spec, byApi.keySet());
        for (Market market : reads.keySet()) {
            Connection c = connOf.get(market);
            if (apis.get(market) == null && (c.websocket.equals(c.api.websocket) || c.rest.equals(c.api.rest))) {
                // another exchange's market on a connection that reaches one of Binance's own servers
                throw new IllegalArgumentException(m.name() + " reads " + market + ", not a Binance market, and its "
                        + "connection (" + c.api.title + ") reaches Binance's own " + (c.websocket.equals(
                        c.api.websocket) ? c.websocket : c.rest) + ": the feed would store Binance's bars as "
                        + market + "'s. Give --ws-url " + c.api.id + "=URL and --rest-url " + c.api.id + "=URL of a "
                        + "server of that protocol for " + market);
            }
        }
        this.store = MarketDataStore.open(home.marketData());
        try {
            for (java.util.Map.Entry<Market, List<Timeframe>> e : reads.entrySet()) {
                Market market = e.getKey();
                Connection conn = connOf.get(market);
                String symbol = market.equals(baseMarket) && spec.symbol() != null
                        ? spec.symbol().toUpperCase(Locale.ROOT) : conn.api.symbol(market);
                Stream st = new Stream(home, conn, market, symbol, interval(conn.api, market, e.getValue()));
                streams.add(st);
                conn.streams.add(st);
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        this.base = streams.get(0);
        try {
            if (spec.trades()) {
                for (Stream st : streams) {
                    tapes.add(new Tape(home, st));
                }
            }
            long server = base.conn.serverTime();
            start = resumeAfter != null ? resumeAfter + 1 : from != null ? from : m.baseTimeframe().floor(server);
            long history = start - lead - Timeframe.D1.millis();
            for (Stream st : streams) {
                importSpool(st.spool, st.imports); // what a killed runner received but did not import
                st.lastStored = lastImported(st, history);
            }
            // (the spools are this runner's alone: a second runner cannot open the store this one holds)
            for (Tape t : tapes) {
                recover(t);
                importSpool(t.spool, t.imports); // recorded by a killed runner
                resume(t, server);
                if (t.lastId == Long.MIN_VALUE) {
                    out.accept("binance-ws: no " + t.name() + " trade stored in the day before the server's time; "
                            + "recording starts with the stream's first trade");
                }
            }
            out.accept("binance-ws: " + String.join("; ", connections.stream().map(Connection::describe).toList())
                    + ", stored as " + String.join(", ", streams.stream()
                    .map(st -> st.market + " " + st.timeframe).toList()) + (tapes.isEmpty() ? "" : " with their trades")
                    + (connections.stream().allMatch(c -> c.own) ? "" : " (not Binance's own servers)"));
            for (Stream st : streams) {
                backfill(st, Math.max(st.lastStored == Long.MIN_VALUE ? history : st.lastStored + st.tf, history),
                        st.conn == base.conn ? server : st.conn.serverTime());
            }
            window = new BarWindow(SeriesSource.of(store), r, history, Long.MAX_VALUE / 4);
            window.keepOnly(lead + Timeframe.D1.millis() + Feed.KEPT_HISTORY + (m.targetTime(start) - start));
        } catch (IOException e) {
            store.close();
            throw new IllegalArgumentException("binance-ws: " + e.getMessage() + "; check --rest-url"
                    + String.join("", connections.stream().filter(c -> !c.own).map(c -> " (" + c.rest
                    + " is asked for the paths of " + c.api.title + ", " + c.api.path + "/...)").toList()), e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        } catch (InterruptedException e) {
            store.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + base.conn.rest);
        }
    }

    /**
     * The API each of a model's {@code markets} is read from: the one its exchange name tells ({@link BinanceApi#of}),
     * put into {@code apis} (null for none). Markets of several APIs are read over a connection each (a basis model
     * reads a spot market and its perpetual). On Binance's own servers ({@code named} false: no {@code --ws-url} or
     * {@code --rest-url}) every market must be a Binance market: another exchange's would be stored under its name with
     * Binance's bars. On a server named by {@code --ws-url} or {@code --rest-url} a market of another exchange is taken
     * as that server's.
     *
     * @return the API of the markets without one of their own: the first Binance market's (the base market's when it
     *         is one), else spot's paths
     */
    static BinanceApi api(String model, java.util.Collection<Market> markets, Market baseMarket, boolean named,
                          java.util.Map<Market, BinanceApi> apis) {
        BinanceApi chosen = null;
        for (Market market : markets) {
            String what = model + (market.equals(baseMarket) ? " was trained on " : " reads ") + market;
            BinanceApi a;
            try {
                a = BinanceApi.of(market);
            } catch (IllegalArgumentException e) {
                if (!named) {
                    throw new IllegalArgumentException(model + ": " + e.getMessage());
                }
                a = null; // a name of Binance's that none of its APIs has: the named servers speak the spot paths
            }
            apis.put(market, a);
            if (a == null) {
                if (!named) {
                    throw new IllegalArgumentException(what + ", not a Binance market: the binance-ws feed would store "
                            + "Binance's bars as " + market + "'s. Serve it with a model trained on Binance bars, or "
                            + "give --ws-url and --rest-url of a server of that protocol for " + market);
                }
                continue;
            }
            chosen = chosen == null ? a : chosen;
        }
        return chosen == null ? BinanceApi.SPOT : chosen;
    }

    /** The server {@code servers} names for {@code api} ({@code --ws-url ID=URL}), or the one for all, or null. */
    private static URI server(java.util.Map<String, URI> servers, BinanceApi api) {
        URI own = servers.get(api.id);
        return own != null ? own : servers.get("");
    }

    /**
     * Refuses servers named for an API the model does not read, and one server for all when it reads several APIs
     * (each API has its own hosts, and a stream's name, {@code btcusdt@kline_1m}, does not tell spot's from a
     * perpetual's).
     */
    static void checkServers(String model, FeedSpec.BinanceWs spec, java.util.Set<BinanceApi> read) {
        String reads = String.join(" and ", read.stream().map(a -> a.title + " (" + a.id + ")").toList());
        for (var e : List.of(java.util.Map.entry("--ws-url", spec.websockets()),
                java.util.Map.entry("--rest-url", spec.rests()))) {
            for (String id : e.getValue().keySet()) {
                if (id.isEmpty()) {
                    if (read.size() > 1) {
                        throw new IllegalArgumentException(model + " reads markets of " + reads + ": give each "
                                + "API's server by its id, " + e.getKey() + " " + read.iterator().next().id
                                + "=URL and so on, not one " + e.getKey() + " for all");
                    }
                    continue;
                }
                BinanceApi a = BinanceApi.byId(id);
                if (a == null) {
                    throw new IllegalArgumentException(e.getKey() + " " + id + "=...: no such API; the ids are "
                            + BinanceApi.ids());
                }
                if (!read.contains(a)) {
                    throw new IllegalArgumentException(e.getKey() + " " + id + "=...: " + model + " reads no "
                            + "market of " + a.title + "; it reads " + reads);
                }
            }
        }
    }

    /**
     * The kline length a market is received at: the coarsest of Binance's that every timeframe read of it is made from
     * (the store resamples the rest from it, as from an import). The base market's may be finer than the model's bars
     * (a feature reads it at finer ones): a base bar is then complete once the finer bars of its period are.
     */
    private Timeframe interval(BinanceApi api, Market market, List<Timeframe> read) {
        List<Timeframe> lengths = new ArrayList<>(Timeframe.exchangeLengths());
        java.util.Collections.reverse(lengths);
        for (Timeframe k : lengths) {
            if (read.stream().allMatch(t -> t.millis() % k.millis() == 0)) {
                if (k.millis() < Timeframe.M1.millis() && (api == BinanceApi.USD_M || api == BinanceApi.COIN_M)) {
                    throw new IllegalArgumentException(m.name() + " reads " + market + " at " + read + ": " + api.title
                            + " has no klines under a minute (its spot market's 1-second klines are another market's)");
                }
                return k;
            }
        }
        throw new IllegalArgumentException(m.name() + " reads " + market + " at " + read + ", which no Binance kline "
                + "length divides");
    }

    /**
     * The newest bar of the stream's market and length imported as such from {@code from} on, or MIN_VALUE: where its
     * history is fetched from. A bar the store resampled from finer bars is not counted (it may hold part of its
     * period only, as at the end of an import of minutes); the exchange's own bar then replaces it.
     */
    private long lastImported(Stream st, long from) {
        io.atlasj.marketdata.CandleSeries c = store.candles(st.market, st.timeframe, from, Long.MAX_VALUE / 4);
        for (int i = c.size() - 1; i >= 0; i--) {
            if (c.sources()[i] == io.atlasj.marketdata.CandleSource.IMPORTED.code()) {
                return c.openTime(i);
            }
        }
        return Long.MIN_VALUE;
    }

    /**
     * Where the tape goes on from: the newest trade id of its market stored within a day before {@code now} (the
     * server's clock; trades with an exchange id), looked for in the last hour first, then the day, and the holes
     * between the ids stored since then (a gap a killed runner had not fetched yet, trades it had not written out)
     * queued to fetch from the history. Older trades are not looked for: a runner down longer than a day starts
     * recording afresh.
     */
    private void resume(Tape t, long now) {
        for (long back : new long[] {3_600_000L, Timeframe.D1.millis()}) {
            long[] ids = java.util.Arrays.stream(store.trades(t.stream.market, now - back, Long.MAX_VALUE / 4)
                    .tradeIds()).filter(id -> id >= 0).sorted().distinct().toArray(); // unknown ids are -1
            if (ids.length > 0) {
                for (int i = 1; i < ids.length; i++) {
                    if (ids[i] > ids[i - 1] + 1) {
                        t.gaps.add(new Gap(ids[i - 1] + 1, ids[i]));
                    }
                }
                t.lastId = ids[ids.length - 1];
                return;
            }
        }
    }

    @Override
    public String missingWhy() {
        return "neither the stream nor the REST history gave them before a later bar (the exchange had none, or the "
                + "import refused the batch: printed then, and kept in a rejected/ folder under "
                + streams.get(0).spool.getParent() + ")";
    }

    @Override
    public String describe() {
        return "binance-ws " + String.join("; ", connections.stream().map(c -> String.join(", ", c.streamNames())
                + " from " + c.websocket).toList()) + " for " + m.featureset().baseMarket() + " " + m.baseTimeframe();
    }

    @Override
    public BarWindow window() {
        return window;
    }

    @Override
    public long start() {
        return start;
    }

    @Override
    public List<Long> next(long after) {
        long until = System.currentTimeMillis() + 1000;
        boolean stored = false;
        try {
            while (true) {
                long now = System.currentTimeMillis();
                long wake = until;
                for (Connection c : connections) {
                    WebSocket s = c.socket;
                    if (c.lost != null) {
                        out.accept("binance-ws: connection to " + c.websocket + " lost (" + c.lost + "); opening it "
                                + "again in " + Math.max(0, c.nextAttempt - now) / 1000.0 + " s");
                        c.lost = null;
                    }
                    if (c.opening != null) {
                        stored |= opened(c); // without waiting: another API's bars go on meanwhile
                    } else if (s == null && now >= c.nextAttempt) {
                        open(c);
                        stored |= opened(c);
                    } else if (s != null && now - c.lastMessage > SILENCE) {
                        drop(c, s, "no message for " + SILENCE / 1000 + " s");
                    }
                    if (c.opening != null) {
                        // woken by HANDSHAKE_DONE; looked at again before the handshake's time runs out
                        wake = Math.min(wake, c.openingSince + HANDSHAKE + 1);
                    } else if (c.socket == null) {
                        wake = Math.min(wake, Math.max(now, c.nextAttempt));
                    }
                }
                now = System.currentTimeMillis();
                List<Received> batch = new ArrayList<>();
                Received k = closed.poll(Math.max(0, wake - now), TimeUnit.MILLISECONDS);
                if (k != null) {
                    batch.add(k);
                    closed.drainTo(batch);
                    if (batch.removeIf(x -> x == HANDSHAKE_DONE)) {
                        // a connection to take up first: its history comes before the klines queued with it
                        for (Connection c : connections) {
                            if (c.opening != null) {
                                stored |= opened(c);
                            }
                        }
                    }
                    for (Stream st : streams) {
                        List<Kline> mine = batch.stream().filter(x -> x.stream() == st).map(Received::kline).toList();
                        if (!mine.isEmpty()) {
                            stored |= take(st, mine);
                        }
                    }
                }
                record(false, stored);
                if (stored || System.currentTimeMillis() >= until) {
                    break;
                }
            }
            if (stored && changedFrom != Long.MAX_VALUE) {
                window.reload(store, Long.MAX_VALUE / 4, changedFrom);
                changedFrom = Long.MAX_VALUE;
            }
            return complete(after);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /**
     * The stored base bars after {@code after} whose features can be computed: every stream holds the bars that close
     * by the base bar's close. A base bar waiting for another stream's bar fetches it from the history after
     * {@link #GRACE}, and after {@link #GIVE_UP} is predicted with what that stream has (said once).
     */
    private List<Long> complete(long after) throws InterruptedException {
        if (base.lastStored == Long.MIN_VALUE) {
            return List.of();
        }
        List<Long> bars = Feed.baseBars(store, m, Math.max(after + 1, start), base.lastStored + 1);
        int ready = 0;
        while (ready < bars.size() && coveredBy(bars.get(ready) + baseTf)) {
            ready++;
        }
        if (ready < bars.size() && base.conn.serverNow() < bars.get(ready) + baseTf) {
            blockedBar = Long.MIN_VALUE; // its period has not ended on the exchange's clock: nothing is late yet
        } else if (ready < bars.size()) {
            long bar = bars.get(ready);
            long now = System.currentTimeMillis();
            if (bar != blockedBar) {
                blockedBar = bar;
                blockedSince = now;
                blockedFetched = false;
            }
            List<Stream> late = streams.stream().filter(st -> !st.covers(bar + baseTf)).toList();
            if (!blockedFetched && now - blockedSince >= GRACE) {
                blockedFetched = true;
                boolean stored = false;
                for (Stream st : late) {
                    // each on its own: an API that cannot be read does not keep the others' history from being asked
                    try {
                        stored |= backfill(st, st.lastStored == Long.MIN_VALUE ? bar : st.lastStored + st.tf,
                                st.conn.serverTime());
                    } catch (IOException e) {
                        out.accept("binance-ws: cannot fetch the history of " + st.name() + " (" + e.getMessage()
                                + "); waiting for the stream");
                    }
                }
                if (stored) {
                    if (changedFrom != Long.MAX_VALUE) {
                        window.reload(store, Long.MAX_VALUE / 4, changedFrom);
                        changedFrom = Long.MAX_VALUE;
                    }
                    return complete(after);
                }
            } else if (now - blockedSince >= GIVE_UP || blockedFetched && late.stream().allMatch(st -> st.saidLate)) {
                // a stream given up on before (and silent since) holds each later bar only until the history was asked
                for (Stream st : late) {
                    long due = st.timeframe.floor(bar + baseTf);
                    st.settledTo = Math.max(st.settledTo, due);
                    if (st.saidLate) {
                        continue;
                    }
                    st.saidLate = true;
                    out.accept("binance-ws: no " + st.name() + " bar closing at " + Instant.ofEpochMilli(due)
                            + " from the stream or the history within " + GIVE_UP / 1000 + " s; the bar of "
                            + Instant.ofEpochMilli(bar) + " and later ones are predicted with the " + st.market
                            + " bars stored (said once until it sends again)");
                }
                return complete(after);
            }
        }
        return bars.subList(0, ready);
    }

    /** Whether every stream holds the bars that close by {@code close}. */
    private boolean coveredBy(long close) {
        for (Stream st : streams) {
            if (!st.covers(close)) {
                return false;
            }
        }
        return true;
    }

    /** Stores a stream's closed klines, after the bars missing before them; true when anything was stored. */
    private boolean take(Stream st, List<Kline> batch) throws InterruptedException {
        TreeMap<Long, Kline> fresh = new TreeMap<>();
        for (Kline k : batch) {
            if (k.open() <= st.lastStored || fresh.containsKey(k.open())) {
                st.duplicates++;
            } else {
                fresh.put(k.open(), k);
            }
        }
        if (fresh.isEmpty()) {
            return false;
        }
        boolean stored = false;
        long expected = st.lastStored + st.tf;
        boolean gap = false;
        for (long open : fresh.keySet()) {
            gap |= st.lastStored != Long.MIN_VALUE && open > expected;
            expected = open + st.tf;
        }
        if (gap) {
            long last = fresh.lastKey();
            try {
                // the stream skipped bars: the history has them (Binance sends a kline for every interval)
                stored = backfill(st, st.lastStored + st.tf, last);
            } catch (IOException e) {
                // not stored out of order: the next connection fetches these bars with the missing ones
                drop(st.conn, st.conn.socket, "cannot fetch the " + st.name() + " bars missing before "
                        + Instant.ofEpochMilli(last) + ": " + e.getMessage());
                return false;
            }
        }
        return store(st, new ArrayList<>(fresh.tailMap(st.lastStored, false).values())) || stored;
    }

    /** How long a connection's handshake may take before it counts as failed. */
    private static final long HANDSHAKE = 15_000;

    /**
     * Starts opening a connection's stream (one market's, or a combined stream of several): the handshake runs on the
     * HTTP client's threads, and {@link #opened} takes it up once it is done.
     */
    private void open(Connection c) {
        String root = c.websocket.toString().replaceAll("/+$", "");
        List<String> names = c.streamNames();
        c.openingUri = URI.create(names.size() == 1 ? root + "/ws/" + names.get(0)
                : root + "/stream?streams=" + String.join("/", names));
        c.openingListener = new Listener(c);
        c.openingSince = System.currentTimeMillis();
        c.opening = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(c.openingUri, c.openingListener).toCompletableFuture();
        // the runner's thread waits on the queue of closed klines: woken, it fetches what closed since at once, as a
        // connection opened in line did
        c.opening.whenComplete((ws, e) -> closed.add(HANDSHAKE_DONE));
    }

    /**
     * A connection whose handshake has ended: open, it fetches what closed since each of its streams' newest stored
     * bar (true when anything was stored); failed, or not done within {@link #HANDSHAKE}, it is tried again after the
     * backoff. Returns at once while the handshake runs.
     */
    private boolean opened(Connection c) throws InterruptedException {
        URI uri = c.openingUri;
        java.util.concurrent.CompletableFuture<WebSocket> f = c.opening;
        if (!f.isDone() && System.currentTimeMillis() - c.openingSince < HANDSHAKE) {
            return false;
        }
        Listener listener = c.openingListener;
        c.opening = null;
        try {
            if (!f.isDone()) {
                f.thenAccept(WebSocket::abort); // a handshake that ends after all is closed at once
                throw new java.util.concurrent.TimeoutException("no handshake within " + HANDSHAKE / 1000 + " s");
            }
            WebSocket s = f.getNow(null);
            c.lastMessage = System.currentTimeMillis();
            c.socket = s;
            if (c.everConnected) {
                c.reconnects++;
            }
            out.accept("binance-ws: " + (c.everConnected ? "reconnected to " : "connected to ") + uri);
            c.everConnected = true;
            if (listener.endedWith != null) {
                // closed or failed before it was taken up here: the listener could not drop it
                drop(c, s, listener.endedWith);
                return false;
            }
            long server = c.serverTime();
            boolean stored = false;
            for (Stream st : c.streams) {
                stored |= backfill(st, st.lastStored == Long.MIN_VALUE ? start : st.lastStored + st.tf, server);
            }
            return stored;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException
                 | java.util.concurrent.TimeoutException | IOException e) {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            WebSocket s = c.socket;
            if (s != null) {
                s.abort();
            }
            c.nextAttempt = System.currentTimeMillis() + c.backoff;
            out.accept("binance-ws: cannot connect to " + uri + " (" + cause + "); trying again in "
                    + c.backoff / 1000.0 + " s");
            c.backoff = Math.min(MAX_BACKOFF, c.backoff * 2);
            c.socket = null;
            return false;
        }
    }

    /**
     * Gives up {@code s}, a socket of {@code c}: the connection is tried again after the backoff, which doubles (to
     * 30 s) until a connection delivers a message.
     */
    private synchronized void drop(Connection c, WebSocket s, String why) {
        if (s != null) {
            s.abort();
        }
        if (c.socket == s) {
            c.nextAttempt = System.currentTimeMillis() + c.backoff;
            c.backoff = Math.min(MAX_BACKOFF, c.backoff * 2);
            c.lost = why;
            c.socket = null; // last: the runner thread reads it first
        }
    }

    /** Stores a stream's complete bars of the REST history opening in {@code [from, to)}; true when any was stored. */
    private boolean backfill(Stream st, long from, long to) throws IOException, InterruptedException {
        if (from >= to) {
            return false;
        }
        long server = st.conn.serverTime();
        List<Kline> got = new ArrayList<>();
        long cursor = from;
        while (cursor < to) {
            // a request's range is one page of bars: with start and end both given, COIN-M's history answers with
            // the newest bars of the range (and refuses long ranges), spot's and USD-M's with the oldest
            long end = Math.min(to - 1, cursor + PAGE * st.tf - 1);
            JsonNode rows = get(st.conn.endpoint("/klines") + "?symbol=" + st.symbol
                    + "&interval=" + st.timeframe.label() + "&startTime=" + cursor + "&endTime=" + end + "&limit="
                    + PAGE);
            if (!rows.isArray()) {
                throw new IOException(st.conn.api.path + "/klines: expected an array, got "
                        + abbreviate(rows.toString()));
            }
            long last = Long.MIN_VALUE;
            for (JsonNode row : rows) {
                Kline k = Kline.ofRest(row);
                last = Math.max(last, k.open());
                if (k.open() >= cursor && k.open() < to && k.close() < server) {
                    got.add(k);
                }
            }
            // on after the last row (a server may give fewer rows a page), or after the range when it had none left
            cursor = last != Long.MIN_VALUE && last + st.tf <= end ? Math.max(cursor + st.tf, last + st.tf) : end + 1;
        }
        got.removeIf(k -> k.open() <= st.lastStored);
        st.backfilled += got.size();
        return store(st, got);
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        return get(url, null);
    }

    /** A GET of the REST API's JSON, with the {@code X-MBX-APIKEY} header when {@code key} is not null. */
    private JsonNode get(String url, String key) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            if (key != null) {
                req.header("X-MBX-APIKEY", key);
            }
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach " + url + " (" + e + ")", e);
        }
        if (r.statusCode() != 200) {
            String retry = r.headers().firstValue("Retry-After").map(s -> " (Retry-After " + s + " s)").orElse("");
            throw new IOException(url + ": HTTP " + r.statusCode() + retry + ": " + abbreviate(r.body()));
        }
        return JSON.readTree(r.body());
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /**
     * Writes a stream's klines (in time order, all complete) to its spool file and imports it; true when anything was
     * stored.
     */
    private boolean store(Stream st, List<Kline> klines) {
        if (klines.isEmpty()) {
            return false;
        }
        StringBuilder text = new StringBuilder();
        for (Kline k : klines) {
            text.append(k.csv()).append('\n');
        }
        Path file = st.spool.resolve(st.symbol + "-" + st.timeframe.label() + "-" + klines.get(0).open() + ".csv");
        try {
            // whole or absent after a kill (the import, into H2, is the commit point)
            io.atlasj.home.Durable.replace(file, tmp -> Files.writeString(tmp, text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        importSpool(st.spool, st.imports);
        st.saidLate = false;
        // a refused file is not fetched again and again: its bars stay out of the store, with the reason on disk
        st.lastStored = Math.max(st.lastStored, klines.get(klines.size() - 1).open());
        return true;
    }

    /**
     * Imports the files of a spool folder (a stream's klines, a tape's trades) in name order: deleted when imported,
     * moved to {@code rejected/} when refused.
     */
    private void importSpool(Path spool, ImportOptions imports) {
        changedFrom = Math.min(changedFrom, Feed.importWaiting(store, spool, imports, out, (f, o) -> {
            try {
                Files.delete(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + f + ": " + e.getMessage(), e);
            }
        }));
    }

    /**
     * Records the trade messages received since the last call ({@code --trades}): each tape's new trades in id order, a
     * gap before them filled from the history, duplicates dropped; imports a tape's recorded trades when
     * {@link #TRADES_EVERY} are waiting, when the oldest waits {@link #TRADES_AGE} ms, or ({@code all}) always.
     */
    private void record(boolean all, boolean hurry) throws InterruptedException {
        if (tapes.isEmpty()) {
            return;
        }
        // history fetched within this, per call: none while a stored bar waits to be predicted
        long deadline = System.currentTimeMillis() + (all ? 10_000 : hurry ? 0 : 2_000);
        List<TradeMessage> got = new ArrayList<>();
        for (TradeMessage t; (t = trades.poll()) != null; ) {
            got.add(t);
        }
        got.sort(java.util.Comparator.comparingLong(TradeMessage::id));
        for (Tape t : tapes) {
            for (TradeMessage msg : got) {
                if (msg.conn() != t.stream.conn || !msg.symbol().equalsIgnoreCase(t.stream.symbol)) {
                    continue;
                }
                if (msg.id() <= t.lastId) {
                    t.duplicates++;
                    continue;
                }
                if (t.lastId != Long.MIN_VALUE && msg.id() > t.lastId + 1) {
                    t.gaps.add(new Gap(t.lastId + 1, msg.id()));
                }
                keep(t, msg.id(), msg.line());
                t.lastId = msg.id();
            }
            fillGaps(t, deadline, all);
            long now = System.currentTimeMillis();
            if (flushDue(t.pending, now - t.pendingSince, all, hurry)) {
                flushTrades(t);
            } else if (t.part != null) {
                try {
                    t.part.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + t.spool.resolve(RECORDING) + ": "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Whether a tape's recorded trades are imported now: always when the runner stops ({@code all}); when
     * {@link #TRADES_EVERY} wait; when the oldest has waited {@link #TRADES_AGE}, unless a stored bar waits to be
     * predicted ({@code hurry}): an import of a busy market's five minutes of trades takes up to about 0.18 s late in
     * a UTC day (its daily bar is made again from the day's trades, docs/benchmarks.md), which the bar would wait. A
     * feed whose bars come every second (1-second klines) nearly always has one waiting, so after twice that age the
     * import waits no longer.
     */
    static boolean flushDue(long pending, long oldestAge, boolean all, boolean hurry) {
        return pending > 0 && (all || pending >= TRADES_EVERY || oldestAge >= 2 * TRADES_AGE
                || (!hurry && oldestAge >= TRADES_AGE));
    }

    /**
     * Appends a trade's capture line to the tape's part file (handed to the operating system at the end of each
     * {@link #record}, so a killed runner's trades are imported when it starts again).
     */
    private static void keep(Tape t, long id, String line) {
        try {
            if (t.part == null) {
                t.part = Files.newBufferedWriter(t.spool.resolve(RECORDING), java.nio.charset.StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
            if (t.pending == 0) {
                t.pendingSince = System.currentTimeMillis();
                t.firstPending = id;
            }
            t.part.write(line);
            t.part.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + t.spool.resolve(RECORDING) + ": " + e.getMessage(), e);
        }
        t.pending++;
        t.recorded++;
    }

    /** The part file a tape's trades are appended to until they are imported. */
    private static final String RECORDING = "recording.part";

    /**
     * Records the trades of the tape's gaps from the REST history ({@code /api/v3/historicalTrades}, oldest gap first)
     * until {@code deadline}, so that a long gap does not hold the bars back: the rest waits for the next call. A failed
     * request is tried again after 5 s, doubling to a minute; after 6 failures in a row, or {@link #TRADE_PAGES} pages
     * for one gap, or when the history has no more of it, the rest of the gap is counted as missing and said. With
     * {@code last} (the runner stops) what is still unfetched at the deadline is counted as missing too.
     */
    private void fillGaps(Tape t, long deadline, boolean last) throws InterruptedException {
        while (!t.gaps.isEmpty() && System.currentTimeMillis() < deadline) {
            Gap g = t.gaps.peek();
            if (System.currentTimeMillis() < g.retryAt) {
                break; // in order: a later gap waits for an earlier one
            }
            String why = null;
            Connection c = t.stream.conn;
            try {
                JsonNode rows = get(c.endpoint("/historicalTrades") + "?symbol=" + t.stream.symbol + "&fromId="
                        + g.next + "&limit=" + c.api.tradePage, c.binanceHost() ? apiKey : null);
                if (!rows.isArray()) {
                    throw new IOException(c.api.path + "/historicalTrades: expected an array, got "
                            + abbreviate(rows.toString()));
                }
                g.failures = 0;
                g.pages++;
                long before = g.next;
                for (JsonNode row : rows) {
                    long id = row.path("id").asLong(Long.MIN_VALUE);
                    if (id < g.next || id >= g.to) {
                        continue;
                    }
                    com.fasterxml.jackson.databind.node.ObjectNode data = JSON.createObjectNode();
                    data.put("e", "trade").put("E", row.path("time").asLong()).put("s", t.stream.symbol).put("t", id)
                            .put("p", row.path("price").asText()).put("q", row.path("qty").asText())
                            .put("T", row.path("time").asLong()).put("m", row.path("isBuyerMaker").asBoolean())
                            .put("M", row.path("isBestMatch").asBoolean());
                    com.fasterxml.jackson.databind.node.ObjectNode message = JSON.createObjectNode();
                    message.put("stream", t.name()).set("data", data);
                    keep(t, id, nanos() + " " + message);
                    t.backfilled++;
                    g.next = id + 1;
                }
                if (g.next < g.to && (rows.size() < c.api.tradePage || g.next == before)) {
                    why = "the history has no more of them";
                } else if (g.next < g.to && g.pages >= TRADE_PAGES) {
                    why = "not fetched within " + TRADE_PAGES + " pages of the history";
                }
            } catch (IOException e) {
                g.failures++;
                g.retryAt = System.currentTimeMillis() + Math.min(60_000L, 5_000L << Math.min(4, g.failures - 1));
                if (g.failures >= 6) {
                    why = "the history cannot be read: " + e.getMessage() + (apiKey == null && c.binanceHost()
                            ? " (Binance may ask for a key: set BINANCE_API_KEY)" : "");
                }
            }
            if (g.next >= g.to) {
                t.gaps.poll();
            } else if (why != null) {
                giveUp(t, g, why);
            }
        }
        if (last) {
            for (Gap g; (g = t.gaps.peek()) != null; ) {
                giveUp(t, g, "the runner stopped before they were fetched from the history (a runner started "
                        + "again within a day fetches them)");
            }
        }
    }

    private void giveUp(Tape t, Gap g, String why) {
        t.gaps.remove(g);
        t.missing += g.to - g.next;
        out.accept("binance-ws: " + (g.to - g.next) + " " + t.name() + " trades (ids " + g.next + " to " + (g.to - 1)
                + ") are not recorded: " + why);
    }

    /** This machine's clock in nanoseconds since the epoch: a capture line's receipt time. */
    private static long nanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Closes a tape's part file, gives it its name (its first trade id) and imports it. */
    private void flushTrades(Tape t) {
        try {
            if (t.part != null) {
                t.part.close();
                t.part = null;
            }
            seal(t.spool.resolve(RECORDING), t.firstPending);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + t.spool.resolve(RECORDING) + ": " + e.getMessage(), e);
        }
        t.pending = 0;
        importSpool(t.spool, t.imports);
    }

    /**
     * Names a part file of trades for import, by its first trade id zero-padded so that files import in the order
     * recorded (on the device first: the name is the commit of the recording).
     */
    private static void seal(Path part, long firstId) throws IOException {
        io.atlasj.home.Durable.force(part);
        Path to = part.resolveSibling(String.format(Locale.ROOT, "trades-%020d.ws", firstId));
        if (Files.exists(to)) { // never over a recording not imported yet (its trades would be lost)
            to = part.resolveSibling(String.format(Locale.ROOT, "trades-%020d-%d.ws", firstId, System.nanoTime()));
        }
        Files.move(part, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A part file a killed runner left: named for import by its first trade's id (its lines up to the last whole one;
     * a line cut by the kill is dropped, and its trade fetched again from the history).
     */
    private void recover(Tape t) {
        Path part = t.spool.resolve(RECORDING);
        if (!Files.exists(part)) {
            return;
        }
        try {
            byte[] bytes = Files.readAllBytes(part);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            if (end == 0) {
                Files.delete(part);
                return;
            }
            if (end < bytes.length) {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(part,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(end); // the line the kill cut: its trade is fetched from the history instead
                }
            }
            int firstEnd = 0;
            long lines = 0;
            for (int i = 0; i < end; i++) {
                if (bytes[i] == '\n') {
                    firstEnd = lines == 0 ? i : firstEnd;
                    lines++;
                }
            }
            String first = new String(bytes, 0, firstEnd, java.nio.charset.StandardCharsets.UTF_8);
            JsonNode msg = JSON.readTree(first.substring(first.indexOf(' ') + 1));
            seal(part, msg.path("data").path("t").asLong());
            out.accept("binance-ws: importing the " + lines + " " + t.name() + " trades a stopped runner recorded");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the recorded trades in " + part + " (" + e.getMessage()
                    + "); move it aside to start", e);
        }
    }

    @Override
    public boolean finished() {
        return false;
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            WebSocket s = c.socket;
            c.socket = null;
            if (s != null) {
                s.abort();
            }
            if (c.opening != null) {
                c.opening.thenAccept(WebSocket::abort);
                c.opening = null;
            }
        }
        try {
            record(true, false); // what was received, imported before the store closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.accept("binance-ws: cannot import the recorded trades (" + e.getMessage() + "); a restart imports "
                    + "what was recorded");
        } finally {
            for (Tape t : tapes) {
                if (t.part != null) {
                    try {
                        t.part.close();
                    } catch (IOException e) {
                        out.accept("binance-ws: cannot close " + t.spool.resolve(RECORDING) + ": " + e.getMessage());
                    }
                    t.part = null;
                }
            }
        }
        out.accept("binance-ws: " + streams.stream().mapToLong(st -> st.backfilled).sum()
                + " bars fetched from the history, " + streams.stream().mapToLong(st -> st.duplicates).sum()
                + " duplicates dropped, " + connections.stream().mapToLong(c -> c.reconnects).sum() + " reconnects" + (tapes.isEmpty() ? "" : "; "
                + tapes.stream().mapToLong(t -> t.recorded).sum() + " trades recorded ("
                + tapes.stream().mapToLong(t -> t.backfilled).sum() + " from the history), "
                + tapes.stream().mapToLong(t -> t.duplicates).sum() + " duplicate trades dropped, "
                + tapes.stream().mapToLong(t -> t.missing).sum() + " missing"));
        store.close();
    }

    /** Receives a connection's messages: closed klines and trades are queued for the runner's thread. */
    private final class Listener implements WebSocket.Listener {
        private final Connection conn;
        private final StringBuilder text = new StringBuilder();
        /** Why the connection ended, read by {@link #connect} in case it ended before it was published; else null. */
        volatile String endedWith;

        Listener(Connection conn) {
            this.conn = conn;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                conn.lastMessage = System.currentTimeMillis();
                conn.backoff = 1000; // this connection works
                String message = text.toString();
                text.setLength(0);
                try {
                    JsonNode n = JSON.readTree(message);
                    JsonNode event = n.has("data") ? n.path("data") : n; // a combined stream's envelope
                    JsonNode k = event.path("k");
                    if (event.path("E").canConvertToLong()) {
                        conn.saw(event.path("E").asLong()); // the event's time on the exchange's clock
                    }
                    if ("trade".equals(event.path("e").asText()) && !tapes.isEmpty()
                            && event.path("t").canConvertToLong()) {
                        // the message as received is the capture's line (a combined stream's envelope included)
                        trades.add(new TradeMessage(conn, event.path("s").asText(), event.path("t").asLong(),
                                nanos() + " " + (n.has("data") ? message : "{\"stream\":\""
                                        + event.path("s").asText().toLowerCase(Locale.ROOT) + "@trade\",\"data\":"
                                        + message + "}")));
                    } else if ("kline".equals(event.path("e").asText()) && k.path("x").asBoolean(false)) {
                        Stream st = conn.streams.size() == 1 ? conn.streams.get(0)
                                : conn.streamOf(k.path("s").asText(), k.path("i").asText());
                        if (st != null) {
                            closed.add(new Received(st, Kline.ofStream(k)));
                        }
                    }
                } catch (IOException e) {
                    out.accept("binance-ws: ignored a malformed message: " + abbreviate(message));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, java.nio.ByteBuffer message) {
            conn.lastMessage = System.currentTimeMillis(); // a quiet stream that pings is alive (the JDK answers it)
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            ended(ws, "closed by the server, code " + code + (reason == null || reason.isEmpty() ? "" : ": " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended(ws, String.valueOf(error));
        }

        private void ended(WebSocket ws, String why) {
            endedWith = why;
            drop(conn, ws, why);
        }
    }
}
