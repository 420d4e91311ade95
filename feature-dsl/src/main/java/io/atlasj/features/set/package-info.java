/** FeatureLabelSets, market resolution, and building them into feature matrices. */
package io.atlasj.features.set;
