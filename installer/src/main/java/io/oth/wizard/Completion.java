package io.oth.wizard;

/** What pressing Tab offers at a question. */
public enum Completion {
    NONE,
    /** File names: keys, the certificate bundle, release bundles. */
    FILES,
    /** The roles in playbooks/roles.yml. */
    ROLES,
    /** The features in playbooks/outbound.yml. */
    FEATURES,
    /** local or external. */
    STORAGE,
    /** Addresses of this machine's interfaces and those answered so far; "direct" for the bastion. */
    ADDRESSES
}
