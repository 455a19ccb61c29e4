/* A spec's secrets out of a text: what a server echoes may hold them. */
#include "common/scrub.h"
#include "spec/spec.h"

char *sc_spec_scrub(char *text, const sc_spec *spec)
{
	sc_scrub scrub = SC_SCRUB_INIT;

	for (size_t i = 0; spec && i < spec->env.count; i++)
		sc_scrub_add(&scrub, spec->env.pairs[i].value);
	text = sc_scrub_text(&scrub, text);
	sc_scrub_release(&scrub);
	return text;
}
