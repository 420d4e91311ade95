package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI contract: --help everywhere, exit codes 0/1/2, messages that name file and line, ATLAS_HOME. */
class AtlasCliTest {
    @TempDir
    Path home;

    record Result(int code, String out, String err) {
    }

    private Result atlas(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AtlasCli.run(env, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result atlas(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        return atlas(Map.of(), all.toArray(String[]::new));
    }

    @Test
    void everyCommandHasHelpAndExitsZero() {
        List<List<String>> paths = new ArrayList<>();
        collect(AtlasCli.commandLine(new AtlasCli(Map.of())), new ArrayList<>(), paths);
        assertThat(paths).extracting(p -> String.join(" ", p))
                .contains("", "data", "data import", "data list", "data candles");
        for (List<String> path : paths) {
            if (path.contains("help")) {
                continue;
            }
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Result r = atlas(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: atlas");
        }
    }

    @Test
    void aCommandLineThatNamesACommandReadsOnlyThatOne() {
        CommandLine all = AtlasCli.commandLine(new AtlasCli(Map.of()));
        assertThat(all.getSubcommands()).hasSize(AtlasCli.SUBCOMMANDS.size());
        for (String name : all.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            assertThat(AtlasCli.commandLine(new AtlasCli(Map.of()), "--home", "h", name, "--x").getSubcommands())
                    .as(name).containsOnlyKeys(name);
        }
        assertThat(AtlasCli.commandLine(new AtlasCli(Map.of()), "--home=h", "data", "list").getSubcommands())
                .containsOnlyKeys("data");
        // no command, help, a mistyped one or a bare option: every command (usage, help and suggestions list them)
        for (String[] args : List.of(new String[0], new String[] {"help", "run"}, new String[] {"rnu"},
                new String[] {"--help"}, new String[] {"--home", "run"}, new String[] {"--help", "run"},
                new String[] {"-h", "data"}, new String[] {"--version", "run"})) {
            assertThat(AtlasCli.commandLine(new AtlasCli(Map.of()), args).getSubcommands()).as(String.join(" ", args))
                    .hasSize(AtlasCli.SUBCOMMANDS.size());
        }
        Result usage = atlas("--help");
        for (String name : all.getSubcommands().keySet()) {
            assertThat(usage.out()).contains("  " + name + " ");
        }
        Result mistyped = atlas("rnu");
        assertThat(mistyped.code()).isEqualTo(2);
        assertThat(mistyped.err()).contains("run");
        // logging starts early for a named command, not for a cluster node (whose log levels it sets itself first)
        assertThat(AtlasCli.logsEarly("--home", "h", "run", "x.yaml")).isTrue();
        assertThat(AtlasCli.logsEarly("cluster", "start", "--roles", "trainer")).isFalse();
        assertThat(AtlasCli.logsEarly("--version")).isFalse();
        assertThat(AtlasCli.logsEarly()).isFalse();
        Result helpFirst = atlas("--help", "run");
        assertThat(helpFirst.code()).isZero();
        for (String name : all.getSubcommands().keySet()) {
            assertThat(helpFirst.out()).contains("  " + name + " ");
        }
        Result help = atlas("help", "run");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: atlas run");
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
        out.add(prefix);
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(prefix);
            p.add(name);
            collect(sub, p, out);
        });
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(atlas("nonsense").code()).isEqualTo(2);
        assertThat(atlas("data", "import", "--no-such-option").code()).isEqualTo(2);
        Result noFormat = atlas("data", "import", "file.csv");
        assertThat(noFormat.code()).isEqualTo(2);
        Result badFormat = atlas("data", "import", "--format", "bitstamp-trade", "x.csv");
        assertThat(badFormat.code()).isEqualTo(2);
        assertThat(badFormat.err()).contains("did you mean 'bitstamp-trades'");
        assertThat(atlas("data", "candles", "--exchange", "a", "--symbol", "b", "--timeframe", "7m").code()).isEqualTo(2);
    }

    @Test
    void bundledImportListAndCandlesEndToEnd() throws java.io.IOException {
        Result imp = atlas("data", "import", "--bundled");
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("100,000 rows read, 100,000 inserted, 0 already present");

        Result list = atlas("data", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("bitstamp:btc_usd");
        String trades = list.out().lines().filter(l -> l.contains(" trades ")).findFirst().orElseThrow();
        assertThat(trades).contains("100,000").contains("2013-11-25 00:00:00").contains("2013-12-01 16:02:05");
        for (String tf : List.of("1s", "1m", "5m", "15m", "1h", "4h", "1d")) {
            assertThat(list.out().lines().filter(l -> l.contains(" candles ") && l.contains(" " + tf + " "))
                    .findFirst()).as(tf).hasValueSatisfying(l -> assertThat(l).contains("2013-11-25 00:00:00")
                            .contains("2013-12-01"));
        }

        Result again = atlas("data", "import", "--bundled");
        assertThat(again.out()).contains("0 inserted, 100,000 already present");

        Result csv = atlas("data", "candles", "--exchange", "bitstamp", "--symbol", "btc_usd", "--timeframe", "1d",
                "--format", "csv");
        assertThat(csv.code()).isZero();
        List<String> lines = csv.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("open_time,open,high,low,close,volume,quote_volume,trades,taker_buy_volume,source");
        assertThat(lines).hasSize(8);
        assertThat(lines.get(1)).startsWith("2013-11-25T00:00:00Z,800.01,");
        assertThat(lines.get(7)).startsWith("2013-12-01T00:00:00Z,");

        Result window = atlas("data", "candles", "--exchange", "bitstamp", "--symbol", "btc_usd", "--timeframe", "1h",
                "--from", "2013-11-26", "--to", "2013-11-26T03:00");
        assertThat(window.out()).contains("2013-11-26 00:00:00").contains("2013-11-26 02:00:00")
                .doesNotContain("2013-11-26 03:00:00").contains("3 of 3 candles");

        // one file per series for other tools; the weekly bar is one of them
        Result exported = atlas("data", "export", "--format", "csv", "--timeframe", "1w", "--timeframe", "1d");
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(exported.out()).contains("bitstamp/btc_usd/candles-1w.csv").contains("2 file(s), 8 rows written");
        assertThat(home.resolve("exports/bitstamp/btc_usd/candles-1w.csv")).content()
                .startsWith("open_time,open,high,low,close,volume,quote_volume,trade_count,source\n"
                        + "2013-11-25T00:00:00Z,");
        Result feather = atlas("data", "export", "--format", "feather", "--to", home.resolve("f").toString());
        assertThat(feather.code()).as(feather.err()).isZero();
        assertThat(home.resolve("f/bitstamp/btc_usd/candles-1m.arrow")).exists();
        Result badFormat = atlas("data", "export", "--format", "xlsx");
        assertThat(badFormat.code()).isEqualTo(1);
        assertThat(badFormat.err()).contains("--format: 'xlsx' is not one of parquet, csv, arrow");

        // every segment file read and checked; a flipped byte in one is named, and the exit code says so
        Result verified = atlas("data", "verify");
        assertThat(verified.code()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("every checksum matches its catalogue row");
        Path oneMinute;
        try (var files = java.nio.file.Files.walk(home.resolve("marketdata/bars"))) {
            oneMinute = files.filter(f -> f.toString().contains("/candles/1m/")).findFirst().orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(oneMinute);
        bytes[bytes.length / 2] ^= 1;
        java.nio.file.Files.write(oneMinute, bytes);
        Result damaged = atlas("data", "verify");
        assertThat(damaged.code()).isEqualTo(1);
        assertThat(damaged.err()).contains("damaged:").contains(oneMinute.toString()).contains("CRC-32C");
        assertThat(damaged.out()).contains("1 damaged");
    }

    @Test
    void userErrorsExitOneWithFileAndLine() throws IOException {
        Path bad = home.resolve("bad.csv");
        Files.writeString(bad, "1385337600,800,0.1\n1385337601,800,x\n");
        Result r = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "btc_usd", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bad.csv:2: amount: not a number: 'x'").contains("--skip-bad-rows");

        Result skip = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "btc_usd", "--skip-bad-rows", bad.toString());
        assertThat(skip.code()).isZero();
        assertThat(skip.out()).contains("skipped 1 bad rows, first at lines [2]");

        // millisecond times given to a seconds format are refused, not stored as the year 45,000
        Path ms = home.resolve("ms.csv");
        Files.writeString(ms, "1385337600000,800,0.1\n1385337601000,800,0.2\n");
        Result unit = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "ms_usd", ms.toString());
        assertThat(unit.code()).isEqualTo(1);
        assertThat(unit.err()).contains("ms.csv:1: timestamp: 1385337600000 is epoch ms by its size, but "
                + "bitstamp-trades takes epoch s");
        Path old = home.resolve("old.csv");
        Files.writeString(old, "946684800,1,0.1\n946684801,1,0.2\n"); // 2000-01-01: outside the default window
        assertThat(atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "old_usd", old.toString()).err()).contains("old.csv:1: timestamp: time 2000-01-01T00:00:00Z is "
                + "outside the plausible range");
        Result wide = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "old_usd", "--time-range", "1999-01-01..", old.toString());
        assertThat(wide.code()).as(wide.err()).isZero();
        Result badRange = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "old_usd", "--time-range", "1999", old.toString());
        assertThat(badRange.code()).isEqualTo(1);
        assertThat(badRange.err()).contains("--time-range '1999': expected FROM..TO");

        Path spaced = home.resolve("spaced.txt");
        Files.writeString(spaced, "2023-03-01T00:00:00Z 100 101 99 100.5 10\n2023-03-01T00:01:00Z 101 102 100 101.5 20\n");
        Result space = atlas("data", "import", "--format", "ohlcv-csv", "--exchange", "x", "--symbol", "spaced",
                "--columns", "time,open,high,low,close,volume", "--delimiter", "space", spaced.toString());
        assertThat(space.code()).as(space.err()).isZero();
        assertThat(space.out()).contains("spaced.txt");
        Result twoChars = atlas("data", "import", "--format", "ohlcv-csv", "--exchange", "x", "--symbol", "spaced",
                "--delimiter", ";;", spaced.toString());
        assertThat(twoChars.code()).isEqualTo(1);
        assertThat(twoChars.err()).contains("--delimiter takes one character");
        Result notCsv = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "x", "--symbol", "s",
                "--delimiter", ";", spaced.toString());
        assertThat(notCsv.code()).isEqualTo(1);
        assertThat(notCsv.err()).contains("ohlcv-csv and quotes-csv files only");

        Result missing = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "e", "--symbol", "s",
                home.resolve("nope.csv").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.csv: no such file");

        Result badTime = atlas("data", "candles", "--exchange", "bitstamp", "--symbol", "btc_usd", "--timeframe", "1h",
                "--from", "yesterday");
        assertThat(badTime.code()).isEqualTo(1);
        assertThat(badTime.err()).contains("--from: cannot read the time 'yesterday'");

        Result noMarket = atlas("data", "candles", "--exchange", "kraken", "--symbol", "btc_usd", "--timeframe", "1h");
        assertThat(noMarket.code()).isEqualTo(1);
        assertThat(noMarket.err()).contains("no data for kraken:btc_usd");
    }

    /**
     * A market imported under a wrong name (the bundled Bitstamp trades again as bitstamp:btc_eur) is removed whole:
     * without --yes only listed (exit 1, nothing gone), with it every series goes, the other market's listing is
     * unchanged, every remaining segment still matches its checksum, and the name can be imported into again.
     */
    @Test
    void aMarketImportedUnderAWrongNameIsRemovedWhole() {
        assertThat(atlas("data", "import", "--bundled").code()).isZero();
        Path bundled = home.resolve("cache/bundled");
        Path file;
        try (var files = Files.list(bundled)) {
            file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Result wrong = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "btc_eur", file.toString());
        assertThat(wrong.code()).as(wrong.err()).isZero();
        List<String> usd = atlas("data", "list").out().lines().filter(l -> l.startsWith("bitstamp:btc_usd")).toList();
        assertThat(atlas("data", "list").out()).contains("bitstamp:btc_eur");

        Result asked = atlas("data", "remove", "bitstamp:btc_eur");
        assertThat(asked.code()).isEqualTo(1);
        assertThat(asked.out()).contains("trades").contains("100,000").contains("nothing removed: add --yes");
        assertThat(atlas("data", "list").out()).contains("bitstamp:btc_eur");

        Result removed = atlas("data", "remove", "bitstamp:btc_eur", "--yes");
        assertThat(removed.code()).as(removed.err()).isZero();
        assertThat(removed.out()).containsPattern("bitstamp:btc_eur: removed \\d+ series");
        String after = atlas("data", "list").out();
        assertThat(after).doesNotContain("btc_eur");
        assertThat(after.lines().filter(l -> l.startsWith("bitstamp:btc_usd")).toList()).isEqualTo(usd);
        assertThat(atlas("data", "verify").code()).isZero();
        assertThat(atlas("data", "candles", "--exchange", "bitstamp", "--symbol", "btc_eur", "--timeframe", "1h")
                .err()).contains("no data for bitstamp:btc_eur");

        Result unknown = atlas("data", "remove", "kraken:btc_usd", "--yes");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no market kraken:btc_usd");
        Result again = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol",
                "btc_eur", file.toString());
        assertThat(again.out()).contains("100,000 inserted");
    }

    @Test
    void globsExpandAndMustMatch() throws IOException {
        Path d = Files.createDirectories(home.resolve("in"));
        Files.writeString(d.resolve("a.csv"), "1385337600,800,0.1\n");
        Files.writeString(d.resolve("b.csv"), "1385337660,801,0.2\n");
        Files.writeString(d.resolve("c.txt"), "not a csv\n");
        assertThat(DataCommand.expand(List.of(d + "/*.csv"))).extracting(p -> p.getFileName().toString())
                .containsExactly("a.csv", "b.csv");
        Result r = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "bitstamp", "--symbol", "btc_usd",
                d + "/*.csv");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 file(s): 2 rows read, 2 inserted");
        Result none = atlas("data", "import", "--format", "bitstamp-trades", "--exchange", "x", "--symbol", "y",
                d + "/*.json");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no file matches");
    }

    @Test
    void atlasHomeComesFromTheEnvironmentUnlessGiven() {
        Path envHome = home.resolve("from-env");
        Result r = atlas(Map.of("ATLAS_HOME", envHome.toString()), "data", "list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains(envHome.resolve("marketdata").toString()).contains("is empty");
        assertThat(Files.exists(envHome.resolve("marketdata/marketdata.mv.db"))).isTrue();
    }
}
