/**
 * Text for people and programs: escaping what came from a script or a request before it goes into
 * HTML, JSON or a plain-text page. Every page the gateway writes escapes here.
 */
package io.cgiguard.text;
