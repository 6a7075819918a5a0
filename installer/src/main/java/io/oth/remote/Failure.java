package io.oth.remote;

/** Why oth could not reach or use a host: each has its own message, hint and exit code. */
public enum Failure {
    BASTION_UNREACHABLE("bastion unreachable", "check the bastion address and the route to it"),
    BASTION_REFUSED("bastion refused the connection", "is sshd running on the bastion, on this port?"),
    BASTION_TIMEOUT("bastion did not answer in time", "a firewall may drop SSH to the bastion"),
    BASTION_SILENT("bastion took the SSH connection and did not answer", "sshd on the bastion may be hung or overloaded, or something else listens on its SSH port"),
    BASTION_AUTH("authentication failed on the bastion", "check bastion.user and the key in the site file"),
    HOST_KEY_UNKNOWN("unknown host key", "run `oth hosts trust` to compare and confirm the fingerprint"),
    HOST_KEY_CHANGED("HOST KEY CHANGED", "someone may be intercepting, or the host was reinstalled: verify out of band before fixing known_hosts"),
    BASTION_FORWARDING_REFUSED("the bastion refused to open a channel to the node (administratively prohibited)",
            "the bastion's sshd forbids forwarding for oth's user: check AllowTcpForwarding and PermitOpen in its sshd_config"),
    NODE_FORWARDING_REFUSED("the node refused to forward to a service (administratively prohibited)",
            "the node's sshd forbids forwarding for oth's user: check AllowTcpForwarding and PermitOpen in its sshd_config"),
    NODE_UNREACHABLE("unreachable from the bastion", "is the node up and sshd listening? check routes and firewall from the bastion"),
    NODE_REFUSED("refused SSH from the bastion", "sshd is not listening on the node"),
    NODE_TIMEOUT("did not answer the bastion in time", "a firewall may drop SSH from the bastion"),
    NODE_SILENT("took the SSH connection and did not answer", "sshd on the node may be hung or overloaded, or something else listens on its SSH port"),
    NODE_AUTH("authentication failed", "check the node's user and key in the site file, and authorized_keys on the node"),
    SUDO_PASSWORD("sudo needs a password", "give the user passwordless sudo (NOPASSWD) or log in as root"),
    KEY_FILE("cannot use the private key", "check the key file path, its mode (0600) and the passphrase (OTH_KEY_PASSPHRASE)"),
    COMMAND_TIMEOUT("command timed out", "the node may be overloaded"),
    SESSION_HUNG("its SSH session hung", "sshd took the session but nothing ended it, not even the node's own time limit: a ~/.ssh/rc, /etc/ssh/sshrc "
            + "or PAM session module that hangs, or a frozen node (try `ssh NODE true` through the bastion)"),
    CHECK_FAILED("the new file failed its check and was not installed", "read the checker's message above; the old file is still in place"),
    FIREWALL_REVERTED("the new firewall ruleset would lock oth out and was reverted", "check the ssh rules in playbooks/roles.yml and the bastion's address"),
    FIREWALL_REVERT_FAILED("the node's firewall revert FAILED", "log in on the node's console and load a ruleset that lets SSH from the bastion in (nft -f /etc/nftables.conf)"),
    FACT_REFUSED("facts", "the node answered with something no healthy node prints: find what changed it (a program on PATH, a compromise); nothing was configured from it"),
    COMMAND_FAILED("remote operation failed", "read the message from the node above"),
    DISK_FULL("no room left on the node's disk", "free room on that file system (df -h on the node; oth doctor's posture.disk names each) and run oth "
            + "again: what was there is still in place"),
    CONNECTION_LOST("connection lost", "the node or the bastion dropped the connection"),
    LOCKED("another oth run holds the site's lock on this node", "wait for that run to end, then run again; the lock of a run that died is taken "
            + "over once it has had no heartbeat for 3 minutes");

    private final String summary;
    private final String hint;

    Failure(String summary, String hint) {
        this.summary = summary;
        this.hint = hint;
    }

    public String summary() {
        return summary;
    }

    public String hint() {
        return hint;
    }
}
