package io.atlasj.cli;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureSetYaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The featuresets {@code atlas features build} and the console's {@code fls} accept: a YAML file or a shipped name. */
public final class NamedFeaturesets {
    /** The named featuresets shipped in configs/featuresets. */
    public static final List<String> NAMED = List.of("quickstart", "multi-timeframe", "cross-market");

    private NamedFeaturesets() {
    }

    /** A featureset by file path, or by name from configs/featuresets on the classpath. */
    public static FeatureLabelSet load(String nameOrFile) {
        Path p = Path.of(nameOrFile);
        try {
            if (Files.isRegularFile(p)) {
                return FeatureSetYaml.read(p);
            }
            String resource = "featuresets/" + nameOrFile + ".yaml";
            try (InputStream in = NamedFeaturesets.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new UserException("no featureset '" + nameOrFile + "': not a file, and not one of the named "
                            + "featuresets " + NAMED + " (configs/featuresets)");
                }
                return FeatureSetYaml.read("configs/" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
