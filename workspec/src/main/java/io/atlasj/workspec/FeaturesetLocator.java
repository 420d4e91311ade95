package io.atlasj.workspec;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetYaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds named featuresets: beside the spec ({@code <spec folder>/../featuresets/<name>.yaml}, the layout of
 * {@code configs/}), then on the classpath ({@code featuresets/<name>.yaml}, the distribution's configs).
 */
public interface FeaturesetLocator {
    Optional<FeatureLabelSet> find(String name);

    /** Names to suggest when a name is not found. */
    List<String> known();

    /** Finds nothing: for self-contained specs (a run's journal, a spec sent to a cluster), whose sets are inline. */
    FeaturesetLocator NONE = new FeaturesetLocator() {
        @Override
        public Optional<FeatureLabelSet> find(String name) {
            return Optional.empty();
        }

        @Override
        public List<String> known() {
            return List.of();
        }
    };

    static FeaturesetLocator beside(Path specFile) {
        Path dir = specFile.toAbsolutePath().getParent();
        Path sets = dir == null ? null : dir.resolveSibling("featuresets");
        return new FeaturesetLocator() {
            @Override
            public Optional<FeatureLabelSet> find(String name) {
                try {
                    if (sets != null && Files.isRegularFile(sets.resolve(name + ".yaml"))) {
                        return Optional.of(FeatureSetYaml.read(sets.resolve(name + ".yaml")));
                    }
                    try (InputStream in = FeaturesetLocator.class.getClassLoader()
                            .getResourceAsStream("featuresets/" + name + ".yaml")) {
                        if (in == null) {
                            return Optional.empty();
                        }
                        return Optional.of(FeatureSetYaml.read("featuresets/" + name + ".yaml",
                                new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public List<String> known() {
                if (sets != null && Files.isDirectory(sets)) {
                    try (var s = Files.list(sets)) {
                        return s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                                .map(f -> f.substring(0, f.length() - 5)).sorted().toList();
                    } catch (IOException e) {
                        return List.of();
                    }
                }
                return List.of("quickstart", "multi-timeframe", "cross-market");
            }
        };
    }
}
