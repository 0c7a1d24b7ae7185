/** Rate limiting primitives shared by the transports and the HTTP API. */
package io.hubbub.core.limit;
