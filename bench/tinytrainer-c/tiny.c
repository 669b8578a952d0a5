/*
 * tinytrainer-c is the trivial trainer of the overhead benchmark when a C
 * compiler is at hand: it prints the same fixed result as bench/tinytrainer
 * but starts as cheaply as /bin/true, whereas a Go program spends about
 * 2 ms of CPU starting its runtime, which every peer pays alike and which
 * hides the differences between them.
 */
#include <unistd.h>

int main(void)
{
	static const char result[] = "{\"cv_scores\": [0.81, 0.82, 0.8]}\n";
	ssize_t n = sizeof result - 1;

	return write(STDOUT_FILENO, result, n) == n ? 0 : 1;
}
