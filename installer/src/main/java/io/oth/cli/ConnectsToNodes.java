package io.oth.cli;

/**
 * A command that connects to the site's nodes: a run of it sets up the SSH machinery beside its
 * start ({@code FleetConnector#warmUpInBackground}). A mark on the command's class, so that a new
 * command says it where it is written.
 */
interface ConnectsToNodes {
}
