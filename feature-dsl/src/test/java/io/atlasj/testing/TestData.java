package io.atlasj.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where tests find real data: fixtures on the test classpath, and the optional ../shared/data folder. */
public final class TestData {
    private TestData() {
    }

    /** A fixture under {@code src/test/resources/fixtures}. */
    public static Path fixture(String relative) {
        try {
            var url = TestData.class.getClassLoader().getResource("fixtures/" + relative);
            if (url == null) {
                throw new IllegalStateException("missing test fixture fixtures/" + relative);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A path under {@code ../shared/data}; the calling test is skipped (JUnit assumption) when the folder is absent,
     * as it is for users who cloned only the project.
     */
    public static Path shared(String relative) {
        String prop = System.getProperty("atlas.shared.data");
        Path root = prop != null ? Path.of(prop) : Path.of("../../shared/data");
        Path p = root.resolve(relative).normalize();
        assumeTrue(Files.exists(p), "../shared/data is absent (" + p + "): test skipped");
        return p;
    }

    /**
     * Imports the bundled LEAN Coinbase day (2017-09-03): BTC/USD minute trade and quote bars, and with {@code eth}
     * the ETH/USD minute trade bars; fails when the import refuses a file.
     */
    public static void importLeanCoinbaseDay(MarketDataStore store, boolean eth) {
        List<Path> files = new ArrayList<>(List.of(fixture("lean/crypto/coinbase/minute/btcusd/20170903_trade.zip"),
                fixture("lean/crypto/coinbase/minute/btcusd/20170903_quote.zip")));
        if (eth) {
            files.add(fixture("lean/crypto/coinbase/minute/ethusd/20170903_trade.zip"));
        }
        var summary = new ImportJob(store).run(files, ImportOptions.of(ImportFormat.LEAN, null, null),
                ImportJob.Listener.NONE);
        if (summary.rejectedFiles() != 0) {
            throw new IllegalStateException("the LEAN Coinbase fixtures were refused: " + summary);
        }
    }
}
