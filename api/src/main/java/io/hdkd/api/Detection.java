package io.hdkd.api;

/** One detected object, in original image pixels, {@code x1, y1, x2, y2}; {@code label} is a contiguous class index. */
public record Detection(int label, float score, float x1, float y1, float x2, float y2) {}
