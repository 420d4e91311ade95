/** Small text helpers shared by every user-facing message. */
package io.atlasj.text;
