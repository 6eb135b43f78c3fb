package dev.forestwatch.connectors.file;

import java.io.Serializable;

/**
 * Settings of the bounded file replay source.
 *
 * @param path a file or a directory of files (all read, in name order)
 * @param format CSV with header or JSON Lines
 */
public record FileSourceSpec(String path, FileFormat format) implements Serializable {}
