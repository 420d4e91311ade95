package io.atlasj.features.spark;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeaturesetCache;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.lake.Lake;
import io.atlasj.marketdata.store.MarketDataStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Feature builds with Spark for one command or run: the one way {@code atlas features build --engine spark},
 * {@code atlas run} and the cluster coordinator reach Spark. The home's own lake is brought up to date from the store
 * before its first build (a lake the caller names is read as it is); a Spark driver is started only when a set is
 * not in the featureset cache, kept for the next builds on the same master and lake, and stopped by {@link #close()}
 * (Spark allows one driver per JVM, so asking for another master stops the first).
 */
public final class SparkBuilds implements AutoCloseable {
    private final AtlasHome home;
    private final MarketDataStore store;
    private final Consumer<String> say;
    private final Map<String, Lake> lakes = new HashMap<>();
    private SparkEngine engine;
    private String engineMaster;
    private String engineLake;

    /**
     * @param store the home's store, open (the caller closes it), which exports to the home's lake read; may be null
     *              when every build names its lake
     * @param say   receives one line per export of the home's lake
     */
    public SparkBuilds(AtlasHome home, MarketDataStore store, Consumer<String> say) {
        this.home = Objects.requireNonNull(home);
        this.store = store;
        this.say = Objects.requireNonNull(say);
    }

    /** One set, as {@link #buildAll}. */
    public FeatureSetBuilder.Built build(FeatureLabelSet set, long from, long to, FeaturesetCache cache, String master,
                                         String lake) {
        return buildAll(List.of(set), from, to, cache, master, lake).get(0);
    }

    /**
     * The sets built by Spark (one task each) or read from the cache.
     *
     * @param master Spark's master, null for {@link SparkEngine#DEFAULT_MASTER}
     * @param lake   the lake to read, null for the home's lake (exported from the store first)
     * @throws Lake.LakeException when the lake lacks or holds only part of a series a set needs
     * @throws IllegalArgumentException when the data cannot make the sets (as the local engine)
     */
    public List<FeatureSetBuilder.Built> buildAll(List<FeatureLabelSet> sets, long from, long to,
                                                  FeaturesetCache cache, String master, String lake) {
        FeatureSetBuilder.Built[] out = new FeatureSetBuilder.Built[sets.size()];
        buildEach(sets, from, to, cache, master, lake, (b, i) -> out[i] = b);
        return List.of(out);
    }

    /** As {@link #buildAll}, each set handed to {@code each} as soon as it is built or read, none kept. */
    public void buildEach(List<FeatureLabelSet> sets, long from, long to, FeaturesetCache cache, String master,
                          String lake, java.util.function.ObjIntConsumer<FeatureSetBuilder.Built> each) {
        String m = master == null ? SparkEngine.DEFAULT_MASTER : master;
        Lake l = lake(lake);
        if (engine == null || !m.equals(engineMaster) || !l.location().equals(engineLake)) {
            stopEngine();
            engine = SparkEngine.start(m, l);
            engineMaster = m;
            engineLake = l.location();
        }
        new FeatureSetBuilder(new LakeSource(l)).buildEach(sets, from, to, cache, engine, each);
    }

    private Lake lake(String location) {
        String at = location != null ? location : home.lake().toString();
        Lake known = lakes.get(at);
        if (known != null) {
            return known;
        }
        Lake l = Lake.open(at);
        lakes.put(at, l);
        if (location == null) {
            if (store == null) {
                throw new IllegalStateException("the home's lake is read only after an export from the store");
            }
            say.accept(l.export(store, k -> true, false).describe(at));
        }
        return l;
    }

    private void stopEngine() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    @Override
    public void close() {
        stopEngine();
        lakes.values().forEach(Lake::close);
        lakes.clear();
    }
}
