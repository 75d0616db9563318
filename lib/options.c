/* Command-line option helpers shared by the subcommands' option parsers. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *dti_option_value(int argc, char **argv, int *i, const char *name, dt_error *err)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq && strncmp(argv[*i], "--", 2) == 0)
        return eq + 1;
    if (*i + 1 >= argc) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "option %s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

int dti_is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || (arg[n] == '=' && name[1] == '-'));
}

int dti_replace_string(char **slot, const char *value)
{
    free(*slot);
    *slot = strdup(value);
    return *slot ? 0 : -1;
}
