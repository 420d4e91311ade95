package io.atlasj.workspec;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.workspec.split.SplitPolicy;
import java.util.List;
import java.util.Objects;

/**
 * One FeatureLabelSet over a range, how to make it a learning problem, how to split it, and its models.
 *
 * @param featuresetName the name the YAML gave ({@code quickstart}) or null for an inline set
 * @param from           first row (UTC ms, inclusive), or {@link Long#MIN_VALUE} for all data
 * @param to             end (UTC ms, exclusive), or {@link Long#MAX_VALUE}
 * @param search         whether its trials may stop early, comparing each other ({@link Search#NONE}: no)
 * @param build          which engine builds its featureset ({@link FeatureBuild#LOCAL} by default)
 */
public record WorkUnit(String name, String featuresetName, FeatureLabelSet featureset, long from, long to,
                       DatasetOptions dataset, SplitPolicy split, List<ModelEntry> models, Search search,
                       FeatureBuild build) {
    /** A unit whose featureset the local engine builds. */
    public WorkUnit(String name, String featuresetName, FeatureLabelSet featureset, long from, long to,
                    DatasetOptions dataset, SplitPolicy split, List<ModelEntry> models, Search search) {
        this(name, featuresetName, featureset, from, to, dataset, split, models, search, FeatureBuild.LOCAL);
    }

    /** A unit whose trials all train to their end. */
    public WorkUnit(String name, String featuresetName, FeatureLabelSet featureset, long from, long to,
                    DatasetOptions dataset, SplitPolicy split, List<ModelEntry> models) {
        this(name, featuresetName, featureset, from, to, dataset, split, models, Search.NONE);
    }

    public WorkUnit {
        search = search == null ? Search.NONE : search;
        build = build == null ? FeatureBuild.LOCAL : build;
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(featureset, "featureset");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(split, "split");
        models = List.copyOf(models);
        if (from >= to) {
            throw new IllegalArgumentException("unit " + name + ": range from must be before to");
        }
    }
}
