from bot.server.erasure import ErasureChannel as ErasureChannel
