/*
 * The templates sc-sandboxd knows: the official aliases and the ids they
 * resolve to, with the resources a sandbox of each gets. Static data.
 */
#ifndef SD_TEMPLATE_H
#define SD_TEMPLATE_H

typedef struct sd_template {
	const char *alias; /* "base" */
	const char *id;    /* "tpl-base-7f3a9c" */
	int cpu_count;
	int memory_mb;
	int disk_size_mb;
} sd_template;

/*
 * The template named by an alias or a full id; "" and NULL mean base.
 * NULL when unknown. The result is static.
 */
const sd_template *sd_template_find(const char *name);

#endif
