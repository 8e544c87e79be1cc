from bot.server.admin import AuditChannel as AuditChannel
