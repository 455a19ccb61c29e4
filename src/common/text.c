#include "common/text.h"

bool sc_text_is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

void sc_text_make_printable(char *text)
{
	for (char *p = text; *p; p++) {
		if (sc_text_is_control((unsigned char)*p))
			*p = '?';
	}
}
