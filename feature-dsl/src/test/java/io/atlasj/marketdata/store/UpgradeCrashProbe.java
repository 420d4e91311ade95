package io.atlasj.marketdata.store;

import java.nio.file.Path;

/** The process that {@link UpgradeCrashIT} kills: opens (and so upgrades) the store given, then prints OPENED. */
public final class UpgradeCrashProbe {
    private UpgradeCrashProbe() {
    }

    public static void main(String[] args) {
        try (MarketDataStore store = MarketDataStore.open(Path.of(args[0]))) {
            System.out.println("OPENED " + store.markets().size());
        }
    }
}
