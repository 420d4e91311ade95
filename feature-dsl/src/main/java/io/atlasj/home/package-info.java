/** The runtime layout under {@code ATLAS_HOME}. */
package io.atlasj.home;
