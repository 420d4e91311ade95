/**
 * The feature DSL: {@link io.atlasj.features.Feature} (inputs) and {@link io.atlasj.features.Label} (targets) as
 * immutable descriptions with one canonical string each, the {@link io.atlasj.features.Library} of feature kinds,
 * and the static entry points of {@link io.atlasj.features.Dsl}.
 */
package io.atlasj.features;
