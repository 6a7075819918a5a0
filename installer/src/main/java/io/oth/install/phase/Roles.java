package io.oth.install.phase;

import io.oth.site.Role;
/** The role names of playbooks/roles.yml the install phases treat specially. */
final class Roles {
    static final String STORAGE = Role.STORAGE;
    static final String APP = Role.APP;

    private Roles() {
    }
}
