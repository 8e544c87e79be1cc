from bot.server.locks import AtomicRedisLockStore as AtomicRedisLockStore
