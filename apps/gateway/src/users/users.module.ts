import { Module } from '@nestjs/common';
import { UsersController } from './users.controller';

/** /users. */
@Module({ controllers: [UsersController] })
export class UsersModule {}
