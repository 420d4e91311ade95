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
     * @param confirmLarge allow more models than {@code execution.maxModels}
     * @throws DuplicateModels when two models have one key (a rerun skips keys that have results, so the second
     *                         would never be trained)
     */
    public static List<ModelSpec> expand(WorkSpec spec, boolean confirmLarge) {
        long count = count(spec);
        if (count > spec.execution().maxModels() && !confirmLarge) {
            throw new TooManyModels(spec.name() + " expands to " + count + " models, more than execution.maxModels = "
                    + spec.execution().maxModels() + "; raise maxModels or confirm (atlas ... --confirm-large)");
        }
        List<ModelSpec> out = expandAll(spec);
        List<Collision> collisions = collisions(out);
        if (!collisions.isEmpty()) {
            throw new DuplicateModels(spec.name(), collisions);
        }
        return out;
    }

    /** The models with one key, each after the first model of that key, in expansion order. */
    static List<Collision> collisions(List<ModelSpec> models) {
        Map<String, ModelSpec> first = new java.util.HashMap<>();
        List<Collision> out = new ArrayList<>();
        for (ModelSpec m : models) {
            ModelSpec before = first.putIfAbsent(m.key(), m);
            if (before != null) {
                out.add(new Collision(before, m));
            }
        }
        return out;
    }

    /** Every model, without the checks of {@link #expand(WorkSpec, boolean)}. */
    static List<ModelSpec> expandAll(WorkSpec spec) {
        List<ModelSpec> out = new ArrayList<>();
        for (WorkUnit u : spec.units()) {
            // warm-start sources before the models that start from them, ensembles last: so that the keys they
            // refer to are known
            List<ModelEntry> ordered = warmStartOrder(u);
            ordered.addAll(u.models().stream().filter(e -> e.type() == ModelType.ENSEMBLE).toList());
            java.util.Map<String, List<String>> keysByEntry = new java.util.HashMap<>();
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
                        String key = key(u, e.type(), hyper, t, seed, members);
                        keysByEntry.computeIfAbsent(e.name(), x -> new ArrayList<>()).add(key);
                        out.add(new ModelSpec(key, spec.name(), u.name(), e.name() + "#" + index++, u.featureset(),
                                u.from(), u.to(), u.dataset(), u.split(), e.type(), hyper, t, seed, members));
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
    static List<Map<String, Object>[]> configurations(ModelEntry e) {
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
        List<Map<String, Object>> flat = new ArrayList<>();
        if (e.sampleCount() > 0) {
            Random r = new Random(e.sampleSeed());
            for (int i = 0; i < e.sampleCount(); i++) {
                Map<String, Object> c = new TreeMap<>();
                dims.forEach((k, s) -> c.put(k, draw(s, specs.get(k), r)));
                flat.add(c);
            }
        } else {
            flat.add(new TreeMap<>());
            for (var d : dims.entrySet()) {
                List<Object> values;
                if (d.getValue() instanceof Sweep.Fixed f) {
                    values = java.util.Collections.singletonList(f.value());
                } else if (d.getValue() instanceof Sweep.Grid g) {
                    values = g.values();
                } else {
                    throw new IllegalArgumentException(e.name() + ": " + d.getKey().substring(2)
                            + " is a distribution: give the entry 'sample: {count: N, seed: S}'");
                }
                List<Map<String, Object>> next = new ArrayList<>();
                for (Map<String, Object> c : flat) {
                    for (Object v : values) {
                        Map<String, Object> m = new TreeMap<>(c);
                        m.put(d.getKey(), v);
                        next.add(m);
                    }
                }
                flat = next;
            }
        }
        List<Map<String, Object>[]> out = new ArrayList<>();
        for (Map<String, Object> c : flat) {
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
            out.add(new Map[] {hyper, training});
        }
        return out;
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
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(keyText(u, type, hyper, training, seed, members)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The canonical description of what decides a model's result, one line per part, each written from canonical
     * forms (feature and label ids, {@link DatasetOptions#canonical()}, {@link SplitPolicy#canonical()},
     * {@link ParamSpec#canonicalText}), never from a {@code toString()}. The golden key fixture pins it byte for byte.
     */
    static String keyText(WorkUnit u, ModelType type, Map<String, Object> hyper, Map<String, Object> training, long seed,
                          List<String> members) {
        StringBuilder sb = new StringBuilder("atlas-modelspec-v").append(KEY_VERSION).append('\n');
        FeatureLabelSet f = u.featureset();
        sb.append("base ").append(f.baseMarket().exchange()).append(':').append(f.baseMarket().symbol()).append(' ')
                .append(f.baseTimeframe().label()).append(" gaps ").append(f.gaps().name())
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
