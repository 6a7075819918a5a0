package io.oth.install.phase;

/** The role names of playbooks/roles.yml the install phases treat specially. */
final class Roles {
    static final String STORAGE = "storage";
    static final String APP = "app";

    private Roles() {
    }
}
