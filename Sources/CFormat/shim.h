#include <stdio.h>

/* `value` in fixed notation with `decimals` digits after the point, as printf's "%.*f" writes
   it, into `buffer`; returns what snprintf returns. A C call, so that Swift builds no
   `CVarArg` list (an allocation) for each of the thousands of numbers a build writes. */
static inline int cx_fixed(char *buffer, unsigned long size, int decimals, double value) {
    return snprintf(buffer, size, "%.*f", decimals, value);
}
