/* One journal line of format 2: "CRC SEQ JSON", CRC the CRC-32 of "SEQ JSON". */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "sandboxd/private/journal.h"

static uint32_t crc_table[256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static void crc_table_fill(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320), as zlib's crc32(). */
static uint32_t crc32_update(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	pthread_once(&crc_table_once, crc_table_fill);
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void sd_journal_frame(sc_buf *out, uint64_t seq, const char *json, size_t len)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%" PRIu64 " ", seq);
	uint32_t crc = crc32_update(crc32_update(0, head, (size_t)n), json, len);

	sc_buf_printf(out, "%08" PRIx32 " ", crc);
	sc_buf_put(out, head, (size_t)n);
	sc_buf_put(out, json, len);
	sc_buf_putc(out, '\n');
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int sd_journal_unframe(const char *line, size_t len, uint64_t *seq, const char **json,
                       size_t *json_len, const char **why)
{
	uint32_t want = 0;
	size_t i;

	*why = "not a journal record";
	if (len < 12 || line[8] != ' ')
		return -1;
	for (i = 0; i < 8; i++) {
		int v = hex_value(line[i]);
		if (v < 0)
			return -1;
		want = want << 4 | (uint32_t)v;
	}
	uint64_t n = 0;
	for (i = 9; i < len && line[i] >= '0' && line[i] <= '9' && i < 29; i++)
		n = n * 10 + (uint64_t)(line[i] - '0');
	if (i == 9 || i + 1 >= len || line[i] != ' ' || line[i + 1] != '{')
		return -1;
	if (crc32_update(0, line + 9, len - 9) != want) {
		*why = "checksum mismatch";
		return -1;
	}
	*seq = n;
	*json = line + i + 1;
	*json_len = len - i - 1;
	return 0;
}
