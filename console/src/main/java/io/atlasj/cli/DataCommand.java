package io.atlasj.cli;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.imports.RowProblem;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.quality.Gaps;
import io.atlasj.marketdata.lake.Lake;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.marketdata.store.SeriesSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code atlas data ...}: import market data, list what is stored, print candles. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Import, list, print and export market data.",
        subcommands = {DataCommand.Import.class, DataCommand.ListCmd.class, DataCommand.Candles.class,
            DataCommand.Export.class, DataCommand.Verify.class, DataCommand.Remove.class})
final class DataCommand {
    @ParentCommand
    AtlasCli atlas;

    AtlasHome home() {
        return atlas.home();
    }

    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Import market-data files into the store (re-importing the same file is a no-op).",
                "Trades and quotes are resampled to bars of every timeframe, candles to every coarser timeframe.",
                "A file with bad rows is rejected whole, with file, line and field, unless --skip-bad-rows.",
                "Formats: bitstamp-trades, binance-klines, lean, ta4j-json, ohlcv-csv, parquet, arrow, trades-csv, "
                    + "quotes-csv, freqtrade-json, binance-ws.",
                "Text times: epoch s/ms/us/ns, ISO-8601, MetaTrader (2023.03.13 18:05, or date and time columns), "
                    + "day-first 13.03.2023 18:05:00.000, 20230313 180500; others with --time-format."},
            footer = {"", "Examples:",
                "  atlas data import --bundled",
                "  atlas data import --format binance-klines --exchange binance-um 'data/FILUSDT/*.gz'",
                "  atlas data import --format lean lean/crypto/coinbase/minute/btcusd/20170903_quote.zip",
                "  atlas data import --format ohlcv-csv --exchange x --symbol y --columns time,open,high,low,close,volume f.csv",
                "  atlas data import --format ohlcv-csv --exchange mt4 --symbol eurusd --time-zone +02:00 "
                    + "--columns date,time,open,high,low,close,volume EURUSD1.csv",
                "  atlas data import --format parquet --exchange binance --symbol btcusdt btcusdt-1m.parquet"})
    static final class Import implements Callable<Integer> {
        @ParentCommand
        DataCommand data;
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--bundled", required = true,
                    description = "Import the bundled Bitstamp BTC/USD trades (100,000 trades, 2013-11-25..12-01; "
                            + "from org.ta4j:ta4j-examples:0.18, MIT).")
            boolean bundled;

            @ArgGroup(exclusive = false)
            FileArgs files;
        }

        static final class FileArgs {
            @Option(names = "--format", required = true, paramLabel = "F", description = "File format: ${COMPLETION-CANDIDATES}.",
                    converter = FormatConverter.class, completionCandidates = FormatCandidates.class)
            ImportFormat format;

            @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files or quoted globs ('dir/*.gz', 'dir/**/*.zip').")
            List<String> files;
        }

        @Option(names = "--exchange", paramLabel = "E", description = "Exchange name, e.g. bitstamp, binance-um.")
        String exchange;

        @Option(names = "--symbol", paramLabel = "S", description = "Symbol, e.g. btc_usd, filusdt. lean, ta4j-json, "
                + "binance-klines and binance-ws take it from the file name or content when absent.")
        String symbol;

        @Option(names = "--timeframe", paramLabel = "T", converter = TimeframeConverter.class,
                description = "Bar length of candle files when the file does not tell: 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w, "
                        + "or another multiple of s, m, h, d or w aligned to UTC days (10m, 90m, 2d).")
        Timeframe timeframe;

        @picocli.CommandLine.Mixin
        TextImportOptions text;

        @Option(names = "--skip-bad-rows", description = "Import the good rows of a file with bad rows and report the bad ones.")
        boolean skipBadRows;

        @Option(names = "--time-range", paramLabel = "FROM..TO", description = "The plausible times: a row outside "
                + "them is bad (default 2009-01-01 to a day after now), e.g. 2005-01-01..2030-12-31.")
        String timeRange;

        @Option(names = "--fill-gaps", description = "Write flat zero-volume candles (flagged 'filled') where a bar has no data. "
                + "Off by default: gaps stay gaps. Featureset builds read stored filled candles as absent; for "
                + "features over flat bars write 'gaps: fill-flat' in the featureset.")
        boolean fillGaps;

        @Option(names = "--revise", description = "The files correct bars imported before (a vendor's revised file): "
                + "where their candles or quote bars differ from the imported ones at the same times, theirs replace "
                + "them, and the coarser bars made from them are rebuilt; each revised series is reported with its "
                + "first change. Without it such a file is refused. Trades and quote ticks are never revised.")
        boolean revise;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            AtlasHome home = data.home();
            List<Path> paths;
            ImportOptions options;
            if (source.bundled) {
                if (exchange != null || symbol != null || timeframe != null || text.any()) {
                    throw new UserException("--bundled takes no --exchange, --symbol, --timeframe, --columns, "
                            + "--delimiter, --time-zone, --time-format or --decimal-comma");
                }
                paths = List.of(BundledData.extract(home.root().resolve("cache/bundled")));
                options = BundledData.options();
            } else {
                paths = expand(source.files.files);
                options = text.applyTo(new ImportOptions(source.files.format, exchange, symbol, timeframe, false, false,
                        null));
            }
            options = options.withSkipBadRows(skipBadRows).withFillGaps(fillGaps);
            if (timeRange != null) {
                try {
                    options = options.withTimeWindow(io.atlasj.marketdata.imports.TimeWindow.parse(timeRange));
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage());
                }
            }
            ImportJob.Summary summary;
            try (MarketDataStore store = MarketDataStore.open(home.marketData());
                 Progress progress = new Progress(spec.commandLine().getErr())) {
                summary = new ImportJob(store, revise).run(paths, options, progress);
            }
            report(out, spec.commandLine().getErr(), summary);
            return summary.rejectedFiles() > 0 ? 1 : 0;
        }

        private static void report(PrintWriter out, PrintWriter err, ImportJob.Summary s) {
            List<List<String>> rows = new ArrayList<>();
            for (ImportJob.FileOutcome f : s.files()) {
                rows.add(List.of(f.file().getFileName().toString(), f.rejected() ? "REJECTED" : "ok",
                        Formats.count(f.rowsRead()), Formats.count(f.inserted()), Formats.count(f.present()),
                        Formats.count(f.badRows()), Formats.count(f.derived()), String.format(Locale.ROOT, "%.2fs", f.millis() / 1000.0)));
            }
            if (s.files().size() <= 50) {
                out.print(Formats.table(List.of("FILE", "STATUS", "READ", "INSERTED", "PRESENT", "BAD", "DERIVED", "TIME"), rows));
            }
            for (ImportJob.FileOutcome f : s.files()) {
                if (f.rejected()) {
                    err.println("error: " + f.error());
                } else if (f.badRows() > 0) {
                    StringBuilder lines = new StringBuilder();
                    f.reasons().forEach((reason, n) -> lines.append("\n  ").append(Formats.count(n)).append(" x ")
                            .append(reason));
                    for (RowProblem p : f.skipped()) {
                        lines.append("\n  skipped ").append(p.describe(f.file().toString()));
                    }
                    out.println(f.file() + ": skipped " + Formats.count(f.badRows()) + " bad rows, first at lines "
                            + f.skipped().stream().map(p -> String.valueOf(p.line())).toList() + lines);
                }
                for (String r : f.revisions()) {
                    out.println(f.file().getFileName() + ": " + r);
                }
                if (f.ignored() > 0) {
                    out.println(f.file().getFileName() + ": " + Formats.count(f.ignored())
                            + " messages of kinds not stored (depth diffs, book snapshots) were ignored");
                }
            }
            double secs = Math.max(s.millis(), 1) / 1000.0;
            out.printf(Locale.ROOT, "%d file(s): %s rows read, %s inserted, %s already present, %s%s bad rows skipped, "
                            + "%d file(s) rejected; %s bars derived%s; %.1fs, %s rows/s%n",
                    s.files().size(), Formats.count(s.rowsRead()), Formats.count(s.inserted()),
                    Formats.count(s.present()), s.revised() > 0 ? Formats.count(s.revised()) + " revised, " : "",
                    Formats.count(s.badRows()), s.rejectedFiles(),
                    Formats.count(s.derived()), s.filled() > 0 ? ", " + Formats.count(s.filled()) + " gap bars filled" : "",
                    secs, Formats.count((long) (s.rowsRead() / secs)));
            out.flush();
            err.flush();
        }
    }

    /** Expands plain paths and globs; every argument must match at least one file. */
    static List<Path> expand(List<String> args) {
        List<Path> out = new ArrayList<>();
        for (String arg : args) {
            if (!arg.matches(".*[*?\\[{].*")) {
                Path p = Path.of(arg);
                if (!Files.isRegularFile(p)) {
                    throw new UserException(arg + ": no such file");
                }
                out.add(p);
                continue;
            }
            int firstGlob = arg.replaceAll("[*?\\[{].*", "").length();
            int slash = arg.lastIndexOf('/', firstGlob);
            Path base = slash < 0 ? Path.of(".") : Path.of(slash == 0 ? "/" : arg.substring(0, slash));
            String pattern = slash < 0 ? arg : arg.substring(slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            List<Path> found;
            try (Stream<Path> walk = Files.walk(base)) {
                found = walk.filter(java.nio.file.Files::isRegularFile)
                        .filter(p -> matcher.matches(base.relativize(p)))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UserException(arg + ": cannot list " + base + ": " + e.getMessage());
            }
            if (found.isEmpty()) {
                throw new UserException(arg + ": no file matches");
            }
            out.addAll(found);
        }
        return out;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List stored markets: per kind and timeframe the rows, first and last time, gaps "
                + "(runs of missing bars), the longest gap, zero-volume and filled bars."})
    static final class ListCmd implements Callable<Integer> {
        @ParentCommand
        DataCommand data;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (MarketDataStore store = MarketDataStore.open(data.home().marketData())) {
                List<SeriesSummary> all = store.summaries();
                if (all.isEmpty()) {
                    out.println("The market-data store " + store.file() + ".mv.db is empty. Import data with "
                            + "'atlas data import --bundled' or 'atlas data import --format F FILE...'.");
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                for (SeriesSummary s : all) {
                    boolean bars = s.timeframe() != null;
                    Gaps g = bars ? Gaps.of(store.openTimes(s.market(), s.timeframe(),
                            s.kind() == SeriesSummary.Kind.QUOTE_CANDLES), s.timeframe()) : null;
                    rows.add(List.of(s.market().toString(), s.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                            bars ? s.timeframe().label() : "", Formats.count(s.rows()), Formats.time(s.first()),
                            Formats.time(s.last()), bars ? Formats.count(g.count()) : "",
                            bars ? Formats.duration(g.longestMillis()) : "",
                            bars && g.longestFrom() >= 0 ? Formats.time(g.longestFrom()) : "",
                            s.kind() == SeriesSummary.Kind.CANDLES ? Formats.count(s.zeroVolume()) : "",
                            bars ? Formats.count(s.filled()) : ""));
                }
                out.print(Formats.table(List.of("MARKET", "KIND", "TF", "ROWS", "FIRST (UTC)", "LAST (UTC)", "GAPS",
                        "LONGEST GAP", "LONGEST GAP FROM", "ZERO-VOL", "FILLED"), rows));
                out.println("Times are bar open times (trades and quotes: event times). A gap is a run of missing "
                        + "bars; gaps are never filled unless imported with --fill-gaps.");
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Read every stored segment file (ticks and bars) and check it against the store's catalogue: "
                + "size, header and CRC-32C. Exit code 1, with each damaged file named, when one does not match.",
                "Reads never return damaged data (a read that meets a damaged file fails with its name); this finds "
                + "damage before a build or a run meets it."})
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        DataCommand data;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (MarketDataStore store = MarketDataStore.open(data.home().marketData())) {
                MarketDataStore.Verification v = store.verify();
                for (String d : v.damaged()) {
                    spec.commandLine().getErr().println("damaged: " + d);
                }
                out.println(Formats.count(v.segments()) + " segment file(s), " + Formats.count(v.bytes())
                        + " bytes read; " + (v.damaged().isEmpty() ? "every checksum matches its catalogue row"
                        : v.damaged().size() + " damaged"));
                return v.damaged().isEmpty() ? 0 : 1;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove every series of one market (trades, quotes and bars of every timeframe), such as "
                + "one imported under a wrong name, in one transaction. Without --yes it lists what would go and "
                + "removes nothing (exit code 1).",
                "Featuresets cached over its bars are built again; the lake's next export deletes its months. "
                + "Results of runs over it keep their files, but are priced only where the store holds the bars."},
            footer = {"", "Example:", "  atlas data remove binance:btcusdt --yes"})
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        DataCommand data;
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MARKET", description = "exchange:symbol, as 'atlas data list' names it")
        String market;

        @Option(names = "--yes", description = "Remove them (without it the command only lists them).")
        boolean yes;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Market m;
            try {
                m = Market.parse(market);
            } catch (IllegalArgumentException e) {
                throw new UserException("MARKET: " + e.getMessage());
            }
            try (MarketDataStore store = MarketDataStore.open(data.home().marketData())) {
                List<SeriesSummary> series;
                try {
                    series = yes ? store.remove(m)
                            : store.summaries().stream().filter(s -> s.market().equals(m)).toList();
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage());
                }
                if (series.isEmpty()) {
                    throw new UserException("no market " + m + " in the store; see 'atlas data list'");
                }
                List<List<String>> rows = new ArrayList<>();
                long total = 0;
                for (SeriesSummary s : series) {
                    rows.add(List.of(s.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                            s.timeframe() == null ? "" : s.timeframe().label(), Formats.count(s.rows()),
                            Formats.time(s.first()), Formats.time(s.last())));
                    total += s.rows();
                }
                out.print(Formats.table(List.of("KIND", "TF", "ROWS", "FIRST (UTC)", "LAST (UTC)"), rows));
                if (!yes) {
                    out.println(m + ": " + series.size() + " series, " + Formats.count(total) + " rows; nothing "
                            + "removed: add --yes to remove them");
                    out.flush();
                    return 1;
                }
                out.println(m + ": removed " + series.size() + " series, " + Formats.count(total) + " rows");
            }
            return 0;
        }
    }

    @Command(name = "candles", mixinStandardHelpOptions = true,
            description = "Print stored candles of one market and timeframe as a table or CSV.")
    static final class Candles implements Callable<Integer> {
        @ParentCommand
        DataCommand data;
        @Spec
        CommandSpec spec;

        @Option(names = "--exchange", required = true, paramLabel = "E")
        String exchange;
        @Option(names = "--symbol", required = true, paramLabel = "S")
        String symbol;
        @Option(names = "--timeframe", required = true, paramLabel = "T", converter = TimeframeConverter.class,
                description = "1s 1m 5m 15m 1h 4h 1d, or any other multiple of s, m, h, d or w aligned to UTC days "
                        + "(10m, 90m, 2d: resampled from the stored bars)")
        Timeframe timeframe;
        @Option(names = "--from", paramLabel = "TIME", description = "First open time (UTC), inclusive.")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "Last open time (UTC), exclusive.")
        String to;
        @Option(names = "--format", paramLabel = "table|csv", defaultValue = "table",
                description = "table (default) or csv.")
        String format;
        @Option(names = "--limit", paramLabel = "N", description = "Print at most N candles (the first N).")
        Integer limit;

        @Override
        public Integer call() {
            if (!format.equals("table") && !format.equals("csv")) {
                throw new UserException("--format must be table or csv, got '" + format + "'");
            }
            Market market;
            try {
                market = new Market(exchange, symbol);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            long f = from == null ? Long.MIN_VALUE : Formats.parseTime(from, "--from");
            long t = to == null ? Long.MAX_VALUE : Formats.parseTime(to, "--to");
            PrintWriter out = spec.commandLine().getOut();
            try (MarketDataStore store = MarketDataStore.open(data.home().marketData())) {
                if (!store.markets().contains(market)) {
                    throw new UserException("no data for " + market + "; stored markets: " + store.markets()
                            + " (see 'atlas data list')");
                }
                CandleSeries c = io.atlasj.features.eval.SeriesSource.of(store).candles(market, timeframe, f, t);
                int n = limit == null ? c.size() : Math.min(limit, c.size());
                List<String> header = List.of("open_time", "open", "high", "low", "close", "volume", "quote_volume",
                        "trades", "taker_buy_volume", "source");
                if (format.equals("csv")) {
                    out.println(String.join(",", header));
                    for (int i = 0; i < n; i++) {
                        out.println(String.join(",", row(c, i, true)));
                    }
                } else {
                    List<List<String>> rows = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        rows.add(row(c, i, false));
                    }
                    out.print(Formats.table(header, rows));
                    out.println(Formats.count(n) + " of " + Formats.count(c.size()) + " candles");
                }
            }
            return 0;
        }

        private static List<String> row(CandleSeries c, int i, boolean csv) {
            return List.of(csv ? java.time.Instant.ofEpochMilli(c.openTime(i)).toString() : Formats.time(c.openTime(i)),
                    num(c.open(i)), num(c.high(i)), num(c.low(i)), num(c.close(i)), num(c.volume(i)),
                    num(c.quoteVolume(i)), c.tradeCount(i) < 0 ? "" : String.valueOf(c.tradeCount(i)),
                    num(c.takerBuyVolume(i)), c.source(i).name().toLowerCase(Locale.ROOT));
        }

        private static String num(double v) {
            if (Double.isNaN(v)) {
                return "";
            }
            return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        }
    }

    static final class TimeframeConverter implements picocli.CommandLine.ITypeConverter<Timeframe> {
        @Override
        public Timeframe convert(String value) {
            try {
                return Timeframe.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<ImportFormat> {
        @Override
        public ImportFormat convert(String value) {
            try {
                return ImportFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class FormatCandidates extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        FormatCandidates() {
            super(Stream.of(ImportFormat.values()).map(ImportFormat::id).toList());
        }
    }

    /** A progress bar per file on an interactive terminal; one line per file otherwise. */
    static final class Progress implements ImportJob.Listener, AutoCloseable {
        private final PrintWriter err;
        private final boolean interactive = System.console() != null;
        private ProgressBar bar;

        Progress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void fileStarted(Path file, long bytes, int index, int total) {
            closeBar();
            String task = String.format(Locale.ROOT, "[%d/%d] %s", index + 1, total, file.getFileName());
            if (interactive) {
                bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(bytes, 1))
                        .setStyle(ProgressBarStyle.ASCII).setUnit(" KiB", 1024).setUpdateIntervalMillis(200)
                        .continuousUpdate().build();
            } else {
                err.println(task);
                err.flush();
            }
        }

        @Override
        public void bytesRead(long bytes) {
            if (bar != null) {
                bar.stepTo(bytes);
            }
        }

        @Override
        public void fileDone(ImportJob.FileOutcome outcome) {
            closeBar();
        }

        private void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }

        @Override
        public void close() {
            closeBar();
        }
    }


    @Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Export the store's candles and quote bars to the market-data lake: Parquet files, one per "
                + "series and month, in Hive-style folders (candles/exchange=E/symbol=S/timeframe=TF/month=YYYY-MM/"
                + "part-0.parquet) that Spark reads as one table, with a catalogue (_atlas_lake.json) of the "
                + "store's data fingerprints.",
                "Incremental: series whose data did not change since the last export are skipped, and of the others "
                + "only the months whose values changed are written. The lake holds bars only (builds read bars).",
                "--format csv or arrow writes one file per series instead (DIR/EXCHANGE/SYMBOL/candles-TF.csv, "
                + "quote-bars-TF.arrow, ...), for pandas (read_csv, read_feather), spreadsheets and other tools, and "
                + "without --timeframe also each market's trades and quote ticks (trades.csv, quotes.arrow); atlas "
                + "data import --format ohlcv-csv, quotes-csv, trades-csv or arrow reads them back."},
            footer = {"", "Examples:", "  atlas data export", "  atlas data export --to /data/lake --market binance:btcusdt",
                "  atlas data export --to hdfs://namenode:8020/atlas/lake",
                "  atlas data export --format csv --to /tmp/bars --market bitstamp:btc_usd --timeframe 1h"})
    static final class Export implements Callable<Integer> {
        @ParentCommand
        DataCommand data;
        @Spec
        CommandSpec spec;

        @Option(names = "--format", paramLabel = "F", description = "parquet (the lake, default), csv or arrow "
                + "(one file per series; Arrow IPC with ZSTD bodies, i.e. Feather v2).")
        String format = "parquet";
        @Option(names = "--to", paramLabel = "DIR_OR_URI", description = "The lake: a folder or a Hadoop filesystem "
                + "URI (default: ATLAS_HOME/lake); for csv and arrow a folder (default: ATLAS_HOME/exports).")
        String to;
        @Option(names = "--market", paramLabel = "MARKET", description = "Only this market (exchange:symbol; repeat "
                + "for several). Default: every market.")
        List<String> markets;
        @Option(names = "--timeframe", paramLabel = "TF", description = "Only this timeframe (repeat for several). "
                + "Default: every timeframe.")
        List<String> timeframes;
        @Option(names = "--rewrite", description = "Write every month again, changed or not (repairs files changed "
                + "outside Atlas).")
        boolean rewrite;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            java.util.Set<io.atlasj.marketdata.Market> ms = new java.util.HashSet<>();
            for (String m : markets == null ? List.<String>of() : markets) {
                try {
                    ms.add(io.atlasj.marketdata.Market.parse(m.trim()));
                } catch (IllegalArgumentException e) {
                    throw new UserException("--market: " + e.getMessage());
                }
            }
            java.util.Set<Timeframe> tfs = new java.util.HashSet<>();
            for (String tf : timeframes == null ? List.<String>of() : timeframes) {
                try {
                    tfs.add(Timeframe.parse(tf.trim()));
                } catch (IllegalArgumentException e) {
                    throw new UserException("--timeframe: " + e.getMessage());
                }
            }
            String f = format.trim().toLowerCase(java.util.Locale.ROOT);
            if (!f.equals("parquet")) {
                return files(f, ms, tfs, out);
            }
            String at = to != null ? to : data.home().lake().toString();
            try (MarketDataStore store = MarketDataStore.open(data.home().marketData()); Lake lake = Lake.open(at)) {
                java.util.Set<io.atlasj.marketdata.Market> stored = new java.util.HashSet<>(store.markets());
                for (io.atlasj.marketdata.Market m : ms) {
                    if (!stored.contains(m)) {
                        throw new UserException("--market " + m + ": not in the store; stored markets: "
                                + store.markets());
                    }
                }
                Lake.ExportReport r = lake.export(store, k -> (ms.isEmpty() || ms.contains(k.market()))
                        && (tfs.isEmpty() || tfs.contains(k.timeframe())), rewrite);
                if (r.seriesWritten() + r.seriesUnchanged() == 0) {
                    throw new UserException("nothing to export: the store has no candles or quote bars"
                            + (ms.isEmpty() && tfs.isEmpty() ? "" : " of the markets and timeframes asked for")
                            + " (see 'atlas data list')");
                }
                out.println(r.describe(at));
            } catch (Lake.LakeException e) {
                throw new UserException(e.getMessage());
            }
            return 0;
        }

        /** {@code --format csv | arrow}: one file per series. */
        private int files(String f, java.util.Set<io.atlasj.marketdata.Market> ms, java.util.Set<Timeframe> tfs,
                          PrintWriter out) {
            io.atlasj.marketdata.lake.SeriesFiles.Format fmt = switch (f) {
                case "csv" -> io.atlasj.marketdata.lake.SeriesFiles.Format.CSV;
                case "arrow", "feather" -> io.atlasj.marketdata.lake.SeriesFiles.Format.ARROW;
                default -> throw new UserException("--format: '" + format + "' is not one of parquet, csv, arrow");
            };
            if (rewrite) {
                throw new UserException("--rewrite is for the Parquet lake; csv and arrow exports write every file");
            }
            if (to != null && to.contains("://")) {
                throw new UserException("--to " + to + ": csv and arrow exports write to a local folder");
            }
            Path dir = to != null ? Path.of(to) : data.home().root().resolve("exports");
            try (MarketDataStore store = MarketDataStore.open(data.home().marketData())) {
                java.util.Set<io.atlasj.marketdata.Market> stored = new java.util.HashSet<>(store.markets());
                for (io.atlasj.marketdata.Market m : ms) {
                    if (!stored.contains(m)) {
                        throw new UserException("--market " + m + ": not in the store; stored markets: "
                                + store.markets());
                    }
                }
                long t0 = System.nanoTime();
                List<io.atlasj.marketdata.lake.SeriesFiles.Written> w = new ArrayList<>(
                        io.atlasj.marketdata.lake.SeriesFiles.export(store, k -> (ms.isEmpty()
                                || ms.contains(k.market())) && (tfs.isEmpty() || tfs.contains(k.timeframe())), fmt, dir));
                if (tfs.isEmpty()) { // ticks have no timeframe: asked for by asking for no timeframe in particular
                    w.addAll(io.atlasj.marketdata.lake.SeriesFiles.exportTicks(store,
                            m -> ms.isEmpty() || ms.contains(m), fmt, dir));
                }
                if (w.isEmpty()) {
                    throw new UserException("nothing to export: the store has no candles or quote bars"
                            + (ms.isEmpty() && tfs.isEmpty() ? "" : " of the markets and timeframes asked for")
                            + " (see 'atlas data list')");
                }
                List<List<String>> rows = new ArrayList<>();
                for (io.atlasj.marketdata.lake.SeriesFiles.Written x : w) {
                    rows.add(List.of(dir.relativize(x.file()).toString(), Formats.count(x.rows())));
                }
                if (rows.size() <= 50) {
                    out.print(Formats.table(List.of("FILE", "ROWS"), rows));
                }
                out.printf(Locale.ROOT, "%d file(s), %s rows written under %s in %.1fs%n", w.size(),
                        Formats.count(w.stream().mapToLong(io.atlasj.marketdata.lake.SeriesFiles.Written::rows).sum()),
                        dir, (System.nanoTime() - t0) / 1e9);
            } catch (java.io.IOException e) {
                throw new UserException("cannot write under " + dir + ": " + e.getMessage());
            }
            return 0;
        }
    }
}
