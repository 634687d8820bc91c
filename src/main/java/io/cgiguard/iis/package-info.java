/**
 * The IIS import: reads {@code applicationHost.config} and {@code web.config} files and writes the
 * cgiguard configuration that runs the same CGI handler mappings.
 *
 * <p>The steps, one type each: a hardened XML parse ({@link io.cgiguard.iis.HardenedXml}); the
 * sites and the configuration scopes they contain ({@link io.cgiguard.iis.SiteReader},
 * {@link io.cgiguard.iis.ConfigScope}); IIS's collection semantics, {@code clear}, {@code remove}
 * and {@code add} inherited from server to site to application to folder
 * ({@link io.cgiguard.iis.CollectionMerge}, {@link io.cgiguard.iis.EffectiveConfig}); translation
 * into a cgiguard config model ({@link io.cgiguard.iis.ImportedConfig}); and TOML text
 * ({@link io.cgiguard.iis.TomlConfigWriter}). Input: files; output: text and the list of settings
 * that were not translated, each with its reason. Nothing here knows of Jetty or processes.
 */
package io.cgiguard.iis;
