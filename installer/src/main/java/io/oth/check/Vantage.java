package io.oth.check;

import io.oth.site.Role;
/**
 * Where a check is seen from, besides the nodes themselves, and the roles (playbooks/roles.yml)
 * whose nodes the checks single out.
 */
final class Vantage {
    static final String OPERATOR = "operator";
    static final String BASTION = "bastion";
    static final String LB = Role.LB;
    static final String APP = Role.APP;
    static final String STORAGE = Role.STORAGE;

    private Vantage() {
    }
}
