import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ProfileView, Subjects, UserView } from '@spilno/contracts';
import { EmptyRequest } from '../common/envelope';
import { GetUserRequest, UpdateProfileRequest } from './profile.dto';
import { ProfileService } from './profile.service';

@Controller()
export class ProfileController {
  constructor(private readonly profiles: ProfileService) {}

  @MessagePattern(Subjects.users.profileGet)
  own(@Payload() request: EmptyRequest): Promise<ProfileView> {
    return this.profiles.own(request.meta);
  }

  @MessagePattern(Subjects.users.profileUpdate)
  update(@Payload() request: UpdateProfileRequest): Promise<ProfileView> {
    return this.profiles.update(request.meta, request.data);
  }

  @MessagePattern(Subjects.users.userGet)
  user(@Payload() request: GetUserRequest): Promise<UserView> {
    return this.profiles.read(request.meta, request.data.id);
  }
}
