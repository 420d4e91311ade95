package io.atlasj.workspec.results;

import io.atlasj.workspec.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a result says about how it was made: the build (version, commit), the platform, the backend, threads, seed. */
public final class Provenance {
    private Provenance() {
    }

    /** @param backend the numeric backend that trained the model, or what stands in for one (an ensemble trains none) */
    public static Map<String, String> of(ModelSpec m, String backend) {
        Map<String, String> p = new LinkedHashMap<>();
        BuildInfo build = BuildInfo.current();
        p.put("atlas", build.version());
        p.put("git", build.commit());
        p.put("gitDirty", build.dirty());
        p.put("java", System.getProperty("java.version") + " " + System.getProperty("java.vendor"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        p.put("backend", backend);
        p.put("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        p.put("seed", String.valueOf(m.seed()));
        return p;
    }
}
