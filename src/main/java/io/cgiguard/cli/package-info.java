/**
 * The command line: picocli commands ({@code serve}, {@code run}, {@code check}, {@code load})
 * that turn flags into the values the other packages take, and results into exit statuses.
 */
package io.cgiguard.cli;
