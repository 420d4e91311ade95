package io.atlasj.workspec;

import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.workspec.split.SplitPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Expands a WorkSpec into ModelSpecs, deterministically: grids in the order of the settings' names (the last
 * varying fastest), samples drawn from the entry's seed, repeats with seeds {@code seed, seed + 1, ...}.
 */
public final class Expander {
    /** Bump when the meaning of a key changes (it would make every previous result look new). */
    public static final int KEY_VERSION = 1;

    private Expander() {
    }

    /** A sweep larger than the WorkSpec's {@code execution.maxModels}, unless confirmed. */
    public static final class TooManyModels extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooManyModels(String message) {
            super(message);
        }
    }

    /** How to resolve two models with one key, for messages. */
    public static final String DUPLICATE_HINT = "remove the duplicate value, or use repeats: N to train the same "
            + "configuration with different seeds";

    /** Two models of one spec with the same key: the same configuration, which would be trained once. */
    public record Collision(ModelSpec first, ModelSpec second) {
        @Override
        public String toString() {
            return second.unit() + "/" + second.name() + " has the same key " + second.key() + " as " + first.unit()
                    + "/" + first.name();
        }
    }

    /** A spec whose models are not all different configurations. */
    public static final class DuplicateModels extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient List<Collision> collisions;

        DuplicateModels(String spec, List<Collision> collisions) {
            super(spec + ": " + collisions.size() + " model(s) repeat the configuration of another: "
                    + collisions.stream().limit(5).map(Collision::toString).toList()
                    + (collisions.size() > 5 ? " and " + (collisions.size() - 5) + " more" : "") + "; " + DUPLICATE_HINT);
            this.collisions = List.copyOf(collisions);
        }

        public List<Collision> collisions() {
            return collisions;
        }
    }

    public static List<ModelSpec> expand(WorkSpec spec) {
        return expand(spec, false);
    }

    /**
     * Every model of {@code spec} in a list: for specs that fit in memory (runs hold their models anyway).
     *
     * @param confirmLarge allow more models than {@code execution.maxModels}
     * @throws DuplicateModels when two models have one key (a rerun skips keys that have results, so the second
     *                         would never be trained)
     */
    public static List<ModelSpec> expand(WorkSpec spec, boolean confirmLarge) {
        List<ModelSpec> out = new ArrayList<>();
        forEach(spec, confirmLarge, out::add, Progress.NONE);
        return out;
    }

    /** Where a long expansion has got to: {@code stage} is "checking keys" or "writing". */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (stage, done, total) -> { };

        void at(String stage, long done, long total);
    }

    /**
     * Every model of {@code spec}, handed to {@code sink} one at a time in expansion order, in memory bounded by the
     * largest entry's settings rather than the sweep: a first pass checks that keys are unique (8 bytes a model), a
     * second hands the models out. A collision is found before any model is handed out.
     *
     * @throws DuplicateModels when two models have one key
     */
    public static void forEach(WorkSpec spec, boolean confirmLarge, java.util.function.Consumer<ModelSpec> sink,
                               Progress progress) {
        long count = count(spec);
        if (count > spec.execution().maxModels() && !confirmLarge) {
            throw new TooManyModels(spec.name() + " expands to " + count + " models, more than execution.maxModels = "
                    + spec.execution().maxModels() + "; raise maxModels or confirm (atlas ... --confirm-large)");
        }
        List<Collision> collisions = collisions(spec, progress, count);
        if (!collisions.isEmpty()) {
            throw new DuplicateModels(spec.name(), collisions);
        }
        long[] done = {0};
        generate(spec, m -> {
            sink.accept(m);
            if (++done[0] % 10_000 == 0) {
                progress.at("writing", done[0], count);
            }
        });
    }

    /** The models with one key, each after the first model of that key, in expansion order. */
    static List<Collision> collisions(WorkSpec spec) {
        return collisions(spec, Progress.NONE, count(spec));
    }

    /**
     * Collisions, streaming: the first 8 bytes of every key are sorted and repeats found (16 MB for two million
     * models); only when some repeat does a second pass compare the full keys of those models.
     */
    private static List<Collision> collisions(WorkSpec spec, Progress progress, long count) {
        long[][] prefixes = {new long[(int) Math.min(Math.max(count, 16), Integer.MAX_VALUE - 8)]};
        int[] n = {0};
        generate(spec, m -> {
            if (n[0] == prefixes[0].length) {
                prefixes[0] = java.util.Arrays.copyOf(prefixes[0], n[0] * 2);
            }
            prefixes[0][n[0]++] = Long.parseUnsignedLong(m.key().substring(0, 16), 16);
            if (n[0] % 10_000 == 0) {
                progress.at("checking keys", n[0], count);
            }
        });
        long[] sorted = java.util.Arrays.copyOf(prefixes[0], n[0]);
        java.util.Arrays.sort(sorted);
        java.util.Set<Long> repeated = new java.util.HashSet<>();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                repeated.add(sorted[i]);
            }
        }
        if (repeated.isEmpty()) {
            return List.of();
        }
        Map<String, ModelSpec> first = new java.util.HashMap<>();
        List<Collision> out = new ArrayList<>();
        generate(spec, m -> {
            if (repeated.contains(Long.parseUnsignedLong(m.key().substring(0, 16), 16))) {
                ModelSpec before = first.putIfAbsent(m.key(), m);
                if (before != null) {
                    out.add(new Collision(before, m));
                }
            }
        });
        return out;
    }

    /**
     * Every model, without the checks of {@link #forEach}, generated one at a time. The keys of an entry are kept
     * only when an ensemble or a warm start of its unit names the entry.
     */
    static void generate(WorkSpec spec, java.util.function.Consumer<ModelSpec> sink) {
        for (WorkUnit u : spec.units()) {
            // warm-start sources before the models that start from them, ensembles last: so that the keys they
            // refer to are known
            List<ModelEntry> ordered = warmStartOrder(u);
            ordered.addAll(u.models().stream().filter(e -> e.type() == ModelType.ENSEMBLE).toList());
            java.util.Set<String> referenced = referenced(u);
            java.util.Map<String, List<String>> keysByEntry = new java.util.HashMap<>();
            Keys keys = new Keys(u);
            for (ModelEntry e : ordered) {
                int index = 0;
                for (Map<String, Object>[] config : configurations(e)) {
                    Map<String, Object> hyper = config[0];
                    Map<String, Object> training = config[1];
                    long baseSeed = (Long) training.get("seed");
                    List<String> members = new ArrayList<>();
                    if (e.type() == ModelType.ENSEMBLE) {
                        for (Object name : (List<?>) hyper.get("members")) {
                            List<String> k = keysByEntry.get(String.valueOf(name));
                            if (k == null) {
                                throw new IllegalArgumentException(u.name() + ": ensemble " + e.name()
                                        + " names no model entry '" + name + "' of the unit");
                            }
                            members.addAll(k);
                        }
                    }
                    String warm = (String) training.get("warmStart");
                    if (warm != null && !warm.isEmpty()) {
                        List<String> k = keysByEntry.get(warm);
                        if (k == null || k.size() != 1) {
                            throw new IllegalArgumentException(u.name() + ": " + e.name() + ": warmStart '" + warm + "' "
                                    + (k == null ? "names no model entry of the unit"
                                    : "expands to " + k.size() + " models; name an entry that expands to one"));
                        }
                        training = new TreeMap<>(training);
                        training.put("warmStart", k.get(0)); // the source's key: part of this model's key
                    }
                    for (int r = 0; r < e.repeats(); r++) {
                        Map<String, Object> t = new TreeMap<>(training);
                        long seed = baseSeed + r;
                        t.put("seed", seed);
                        String key = keys.key(e.type(), hyper, t, seed, members);
                        if (referenced.contains(e.name())) {
                            keysByEntry.computeIfAbsent(e.name(), x -> new ArrayList<>()).add(key);
                        }
                        sink.accept(new ModelSpec(key, spec.name(), u.name(), e.name() + "#" + index++, u.featureset(),
                                u.from(), u.to(), u.dataset(), u.split(), e.type(), hyper, t, seed, members));
                    }
                }
            }
        }
    }

    /** Names of the unit's entries that an ensemble's members or a warm start name. */
    private static java.util.Set<String> referenced(WorkUnit u) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (ModelEntry e : u.models()) {
            if (e.training().get("warmStart") instanceof Sweep.Fixed f) {
                out.add(String.valueOf(f.value()).trim());
            }
            if (e.type() == ModelType.ENSEMBLE) {
                for (Map<String, Object>[] config : configurations(e)) {
                    if (config[0].get("members") instanceof List<?> names) {
                        names.forEach(x -> out.add(String.valueOf(x)));
                    }
                }
            }
        }
        return out;
    }

    /** The unit's trained entries, each after the entry it warm-starts from (a cycle is an error). */
    static List<ModelEntry> warmStartOrder(WorkUnit u) {
        List<ModelEntry> todo = new ArrayList<>(u.models().stream().filter(e -> e.type() != ModelType.ENSEMBLE).toList());
        List<ModelEntry> out = new ArrayList<>();
        java.util.Set<String> placed = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            boolean progress = false;
            for (java.util.Iterator<ModelEntry> it = todo.iterator(); it.hasNext(); ) {
                ModelEntry e = it.next();
                String from = e.training().get("warmStart") instanceof Sweep.Fixed f ? String.valueOf(f.value()).trim() : "";
                boolean known = u.models().stream().anyMatch(m -> m.name().equals(from));
                if (from.isEmpty() || placed.contains(from) || !known) { // an unknown name is reported on expansion
                    out.add(e);
                    placed.add(e.name());
                    it.remove();
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalArgumentException(u.name() + ": warmStart forms a cycle among "
                        + todo.stream().map(ModelEntry::name).toList());
            }
        }
        return out;
    }

    /** How many ModelSpecs {@code spec} expands to, without expanding it. */
    public static long count(WorkSpec spec) {
        long n = 0;
        for (WorkUnit u : spec.units()) {
            for (ModelEntry e : u.models()) {
                long configs = e.sampleCount() > 0 ? e.sampleCount() : 1;
                if (e.sampleCount() == 0) {
                    for (Sweep s : e.hyper().values()) {
                        configs *= s instanceof Sweep.Grid g ? g.values().size() : 1;
                    }
                    for (Sweep s : e.training().values()) {
                        configs *= s instanceof Sweep.Grid g ? g.values().size() : 1;
                    }
                }
                n += configs * e.repeats();
            }
        }
        return n;
    }

    /** [hyper, training] maps of every configuration of an entry, defaults filled in, values checked. */
    @SuppressWarnings("unchecked")
    /**
     * The entry's configurations, made one at a time as they are iterated: a grid's product in the order of the
     * settings (the last varying fastest), or {@code sample.count} draws from the entry's seed. Each is
     * {@code {hyperparameters, training}}.
     */
    static Iterable<Map<String, Object>[]> configurations(ModelEntry e) {
        LinkedHashMap<String, Sweep> dims = new LinkedHashMap<>();
        LinkedHashMap<String, ParamSpec> specs = new LinkedHashMap<>();
        for (ParamSpec p : Catalog.hyperparameters(e.type())) {
            specs.put("h." + p.name(), p);
            dims.put("h." + p.name(), e.hyper().getOrDefault(p.name(), new Sweep.Fixed(p.defaultValue())));
        }
        for (ParamSpec p : Catalog.TRAINING) {
            specs.put("t." + p.name(), p);
            dims.put("t." + p.name(), e.training().getOrDefault(p.name(), new Sweep.Fixed(p.defaultValue())));
        }
        if (e.sampleCount() > 0) {
            return () -> new java.util.Iterator<>() {
                private final Random r = new Random(e.sampleSeed());
                private int i;

                @Override
                public boolean hasNext() {
                    return i < e.sampleCount();
                }

                @Override
                public Map<String, Object>[] next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    i++;
                    Map<String, Object> c = new TreeMap<>();
                    dims.forEach((k, s) -> c.put(k, draw(s, specs.get(k), r)));
                    return split(e, specs, c);
                }
            };
        }
        List<String> names = new ArrayList<>(dims.keySet());
        List<List<Object>> values = new ArrayList<>();
        for (var d : dims.entrySet()) {
            if (d.getValue() instanceof Sweep.Fixed f) {
                values.add(java.util.Collections.singletonList(f.value()));
            } else if (d.getValue() instanceof Sweep.Grid g) {
                values.add(g.values());
            } else {
                throw new IllegalArgumentException(e.name() + ": " + d.getKey().substring(2)
                        + " is a distribution: give the entry 'sample: {count: N, seed: S}'");
            }
        }
        boolean empty = values.stream().anyMatch(List::isEmpty);
        return () -> new java.util.Iterator<>() {
            private final int[] at = new int[names.size()];
            private boolean done = empty;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public Map<String, Object>[] next() {
                if (done) {
                    throw new java.util.NoSuchElementException();
                }
                Map<String, Object> c = new TreeMap<>();
                for (int k = 0; k < at.length; k++) {
                    c.put(names.get(k), values.get(k).get(at[k]));
                }
                int k = at.length - 1;
                while (k >= 0 && ++at[k] == values.get(k).size()) {
                    at[k] = 0;
                    k--;
                }
                done = k < 0;
                return split(e, specs, c);
            }
        };
    }

    /** A configuration's settings checked and split into {@code {hyperparameters, training}}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] split(ModelEntry e, Map<String, ParamSpec> specs, Map<String, Object> c) {
        Map<String, Object> hyper = new TreeMap<>();
        Map<String, Object> training = new TreeMap<>();
        for (var x : c.entrySet()) {
            ParamSpec p = specs.get(x.getKey());
            Object v = x.getValue() == null ? null : p.check(x.getValue());
            if (v == null) {
                throw new IllegalArgumentException(e.name() + ": " + p.name() + " is required");
            }
            (x.getKey().startsWith("h.") ? hyper : training).put(p.name(), v);
        }
        return new Map[] {hyper, training};
    }

    private static Object draw(Sweep s, ParamSpec p, Random r) {
        if (s instanceof Sweep.Fixed f) {
            return f.value();
        } else if (s instanceof Sweep.Grid g) {
            return g.values().get(r.nextInt(g.values().size()));
        } else if (s instanceof Sweep.Choice c) {
            return c.values().get(r.nextInt(c.values().size()));
        } else if (s instanceof Sweep.Uniform u) {
            return round(p, u.lo() + r.nextDouble() * (u.hi() - u.lo()));
        }
        Sweep.LogUniform l = (Sweep.LogUniform) s;
        return round(p, Math.exp(Math.log(l.lo()) + r.nextDouble() * (Math.log(l.hi()) - Math.log(l.lo()))));
    }

    private static Object round(ParamSpec p, double v) {
        return p.kind() == ParamSpec.Kind.INT || p.kind() == ParamSpec.Kind.LONG ? (Object) (double) Math.round(v) : v;
    }

    /** The content key: SHA-256 (first 16 bytes, hex) of {@link #keyText}. */
    static String key(WorkUnit u, ModelType type, Map<String, Object> hyper, Map<String, Object> training, long seed,
                      List<String> members) {
        return new Keys(u).key(type, hyper, training, seed, members);
    }

    /** Keys of one unit's models: the unit's part of the key text written once, one digest reused. */
    private static final class Keys {
        private final String unitText;
        private final MessageDigest sha;

        Keys(WorkUnit u) {
            this.unitText = unitText(u);
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }

        String key(ModelType type, Map<String, Object> hyper, Map<String, Object> training, long seed,
                   List<String> members) {
            byte[] h = sha.digest((unitText + modelText(type, hyper, training, seed, members))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        }
    }

    /**
     * The canonical description of what decides a model's result, one line per part, each written from canonical
     * forms (feature and label ids, {@link DatasetOptions#canonical()}, {@link SplitPolicy#canonical()},
     * {@link ParamSpec#canonicalText}), never from a {@code toString()}. The golden key fixture pins it byte for byte.
     */
    static String keyText(WorkUnit u, ModelType type, Map<String, Object> hyper, Map<String, Object> training, long seed,
                          List<String> members) {
        return unitText(u) + modelText(type, hyper, training, seed, members);
    }

    /** The part of the key text every model of a unit shares. */
    private static String unitText(WorkUnit u) {
        StringBuilder sb = new StringBuilder("atlas-modelspec-v").append(KEY_VERSION).append('\n');
        FeatureLabelSet f = u.featureset();
        sb.append("base ").append(f.baseMarket().exchange()).append(':').append(f.baseMarket().symbol()).append(' ')
                .append(f.baseTimeframe().label()).append(" gaps ").append(f.gaps().name())
                .append(f.fillLimit() == null ? "" : " fillLimit " + f.fillLimit().toMillis() + " since-last-real")
                .append(f.prices() == io.atlasj.features.eval.PriceBasis.MID ? " prices mid" : "")
                .append(" defaults ").append(f.defaultExchange()).append('/').append(f.defaultQuote()).append('\n');
        for (Feature x : f.features()) {
            sb.append("F ").append(x.id()).append('\n');
        }
        for (Label x : f.labels()) {
            sb.append("L ").append(x.id()).append('\n');
        }
        sb.append("range ").append(u.from()).append(' ').append(u.to()).append('\n');
        sb.append("dataset ").append(u.dataset().canonical()).append('\n');
        sb.append("split ").append(u.split().canonical()).append('\n');
        return sb.toString();
    }

    /** The part of the key text that is the model's own. */
    private static String modelText(ModelType type, Map<String, Object> hyper, Map<String, Object> training, long seed,
                                    List<String> members) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("type ").append(type.id()).append('\n');
        hyper.forEach((k, v) -> {
            if (!(k.equals("members") && !members.isEmpty())) { // an ensemble is its members' keys, not their names
                sb.append("h ").append(k).append('=').append(ParamSpec.canonicalText(v)).append('\n');
            }
        });
        training.forEach((k, v) -> {
            if (!(k.equals("warmStart") && "".equals(v))) { // off: keys stay those of before the setting existed
                sb.append("t ").append(k).append('=').append(ParamSpec.canonicalText(v)).append('\n');
            }
        });
        sb.append("seed ").append(seed).append('\n');
        members.forEach(k -> sb.append("member ").append(k).append('\n'));
        return sb.toString();
    }
}
