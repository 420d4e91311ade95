package io.atlasj.marketdata.lake;

import io.atlasj.marketdata.store.MarketDataStore;
import java.nio.file.Path;

/**
 * The exporting process that {@link LakeCrashIT} kills: exports the store to the lake again and again, every month
 * rewritten, and prints {@code EXPORTED n} after each export.
 */
public final class LakeExportProbe {
    private LakeExportProbe() {
    }

    public static void main(String[] args) {
        try (MarketDataStore store = MarketDataStore.open(Path.of(args[0])); Lake lake = Lake.open(args[1])) {
            for (int n = 1; ; n++) {
                lake.export(store, k -> true, true);
                System.out.println("EXPORTED " + n);
                System.out.flush();
            }
        }
    }
}
