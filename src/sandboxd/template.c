#include "sandboxd/private/template.h"

#include <string.h>

static const sd_template templates[] = {
    {"base", "tpl-base-7f3a9c", 2, 512, 10240},
    {"code-interpreter", "tpl-code-interpreter-3b8e21", 2, 2048, 20480},
    {"node", "tpl-node-5c2d47", 2, 1024, 10240},
    {"codex", "tpl-codex-9e1f03", 4, 4096, 20480},
    {"api-server", "tpl-api-server-4a6b8d", 2, 1024, 10240},
};

const sd_template *sd_template_find(const char *name)
{
	if (!name || !*name)
		return &templates[0];
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		if (!strcmp(name, templates[i].alias) || !strcmp(name, templates[i].id))
			return &templates[i];
	}
	return NULL;
}
