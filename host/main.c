/* host/main.c: cofferd (placeholder until the daemon lands). */
#include <stdio.h>
int main(void)
{
	puts("cofferd");
	return 0;
}
