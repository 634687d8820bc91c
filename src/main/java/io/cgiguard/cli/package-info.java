/**
 * The command line (picocli): {@code serve}, {@code run}, {@code check}, {@code load} and
 * {@code import-iis}. Each command turns flags into configuration values, calls the packages that
 * do the work, and turns every expected problem into one clear line and a non-zero exit status —
 * never a stack trace.
 */
package io.cgiguard.cli;
