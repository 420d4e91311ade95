/** The ResultsObject schema: one versioned, self-describing JSON file per ModelSpec run. */
package io.atlasj.workspec.results;
