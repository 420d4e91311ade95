/**
 * The live path: {@link io.atlasj.trainer.live.LiveRunner} serves a trained model ({@link io.atlasj.trainer.live.LiveModel})
 * on completed bars through the batch build's feature code, over an in-memory window of bars that never shows a bar
 * before it closes ({@code BarWindow}); {@link io.atlasj.trainer.live.LiveJournal} is its durable record (predictions,
 * inference frames by reference, outcomes, model versions, runners); predictions are served over HTTP/SSE and
 * published to Redis.
 */
package io.atlasj.trainer.live;
